import Foundation
import GRDB
import KlineSyncCore

/// The embedded `Store`: one SQLite file opened through a GRDB `DatabasePool` (WAL, `synchronous=NORMAL`).
///
/// Writers are serialised by SQLite: a second process waits up to `busyTimeout` seconds for the write lock, then
/// fails with a clear error. Readers never block writers. A store opened with `createIfMissing: false` is
/// read-only and never creates, migrates or changes the file.
public final class SQLiteStore: Store {
    /// Absolute or relative path of the database file, as given.
    public let path: String
    /// Whether the store was opened read-only (`createIfMissing: false`).
    public let isReadOnly: Bool
    /// Where the store is, fit to print.
    public var displayName: String { "sqlite:\(path)" }

    let pool: DatabasePool
    private let lineage: String
    /// The schema version of the file: `SQLiteSchema.currentVersion` once opened for writing (which migrates it);
    /// an older one only on a read-only store.
    let schemaVersion: Int
    private let closed = ClosedFlag()
    /// The writer lock this store holds while open for writing (see `SQLiteConnector`); released by `close()`.
    private let writerLock: WriterLock?

    /// Bars per batch in `forEachBatch(of:_:)`.
    static let batchSize = 10_000

    /// Opens the database at `path`.
    ///
    /// - Parameters:
    ///   - path: The SQLite file. Its parent folder is created when missing (writable opens only).
    ///   - createIfMissing: true (the default) opens read-write, creating and migrating the file as needed. false
    ///     opens read-only: a missing file is an error ("run `klinesync apply` first") and nothing is created.
    ///   - busyTimeout: Seconds to wait for another process's write lock before failing.
    /// - Throws: `SQLiteStoreError` naming the path and the problem: not a database, not a klinesync database,
    ///   a newer schema, an unreachable folder. A file that is not klinesync's is never written to (see
    ///   `SQLiteFile.inspect`).
    public convenience init(path: String, createIfMissing: Bool = true, busyTimeout: Double = 30) throws {
        try self.init(path: path, createIfMissing: createIfMissing, busyTimeout: busyTimeout, writerLock: nil)
    }

    /// Opens the store holding `writerLock`, which `close()` releases.
    init(path: String, createIfMissing: Bool, busyTimeout: Double, writerLock: WriterLock?) throws {
        self.path = path
        self.writerLock = writerLock
        self.isReadOnly = !createIfMissing
        // Inspected read-only first: a file klinesync did not make is refused before anything could change it.
        if try SQLiteFile.inspect(path) == .absent {
            try SQLiteStore.prepareLocation(path: path, createIfMissing: createIfMissing)
        }

        var config = Configuration()
        config.readonly = !createIfMissing
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "klinesync"
        config.prepareDatabase { db in
            // page_size only matters for a new file (before GRDB switches it to WAL): 16 KiB pages make bulk
            // inserts ~5% faster than the default 4 KiB.
            try db.execute(
                sql: """
                    PRAGMA page_size = 16384; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
                    PRAGMA temp_store = MEMORY
                    """)
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw SQLiteStoreError.cannotOpen(path: path, reason: SQLiteStoreError.reason(error))
        }
        self.pool = pool
        do {
            (self.lineage, self.schemaVersion) = try SQLiteStore.prepareSchema(
                pool, path: path, readOnly: !createIfMissing)
        } catch {
            try? pool.close()
            if let error = error as? SQLiteStoreError { throw error }
            throw SQLiteStoreError.cannotOpen(path: path, reason: SQLiteStoreError.reason(error))
        }
    }

    /// Checks the file and creates its folder when allowed.
    private static func prepareLocation(path: String, createIfMissing: Bool) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw SQLiteStoreError.cannotOpen(path: path, reason: "it is a directory") }
            return
        }
        guard createIfMissing else { throw SQLiteStoreError.missing(path: path) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw SQLiteStoreError.cannotCreateDirectory(path: path, directory: directory, reason: reason)
        }
    }

    /// Checks what the file holds, migrates it (writable opens only) and returns the lineage id and the schema
    /// version the store reads. A read-only store reads a version-1 file as it is, without migrating it.
    private static func prepareSchema(_ pool: DatabasePool, path: String, readOnly: Bool) throws -> (String, Int) {
        let known = SQLiteSchema.currentVersion
        let inspection = try pool.read(SQLiteSchema.inspect)
        switch inspection {
        case .foreign:
            throw SQLiteStoreError.foreignDatabase(path: path)
        case .klinesync(let version) where version > known:
            throw SQLiteStoreError.newerSchema(path: path, found: version, known: known)
        case .klinesync(let version) where version < SQLiteSchema.oldestReadable && readOnly:
            throw SQLiteStoreError.outdatedSchema(path: path, found: version, known: known)
        case .empty where readOnly:
            throw SQLiteStoreError.missing(path: path)
        case .empty, .klinesync:
            break
        }
        if !readOnly { try SQLiteSchema.migrator.migrate(pool) }
        guard let lineage = try pool.read(SQLiteSchema.lineageID) else {
            throw SQLiteStoreError.cannotOpen(path: path, reason: "the meta table has no lineage id")
        }
        if readOnly, case .klinesync(let version) = inspection { return (lineage, version) }
        return (lineage, known)
    }

    /// Whether the file is read as version 1 (a read-only store on an unmigrated file): no datasets but trade
    /// klines, no funding tables.
    var isLegacy: Bool { schemaVersion < 2 }

    /// The lineage id made when the database was created.
    public func lineageID() async throws -> String {
        try checkOpen("read the lineage id")
        return lineage
    }

    /// Closes every connection. Later calls fail with a `StoreFailure` of kind `.closed`.
    public func close() async throws {
        guard closed.close() else { return }
        defer { writerLock?.release() }
        do {
            try pool.close()
        } catch {
            throw SQLiteStoreError.wrap(error, path: path, operation: "close the database")
        }
    }

    /// Throws `.closed` after `close()`.
    func checkOpen(_ operation: String) throws {
        if closed.isClosed { throw SQLiteStoreError.failure(.closed, path: path, operation: operation) }
    }

    /// Runs a read, mapping failures to `SQLiteStoreError` with `operation` named.
    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen(operation)
        do {
            return try await pool.read(body)
        } catch {
            throw SQLiteStoreError.wrap(error, path: path, operation: operation)
        }
    }

    /// Runs `body` in one IMMEDIATE transaction, mapping failures to `SQLiteStoreError` with `operation` named.
    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        try checkOpen(operation)
        if isReadOnly { throw SQLiteStoreError.failure(.readOnly, path: path, operation: operation) }
        do {
            return try await pool.write(body)
        } catch {
            throw SQLiteStoreError.wrap(error, path: path, operation: operation)
        }
    }
}
