import Foundation
import KlineSyncCore

/// Opens an SQLite database file: one writer at a time, under the file's `WriterLock`, which the store opened for
/// writing holds until it is closed.
public struct SQLiteConnector: StoreConnector {
    public let path: String

    public init(path: String) { self.path = path }

    public var location: DatabaseLocation { .sqlite(path: path) }

    public func mayExist() -> Bool { FileManager.default.fileExists(atPath: path) }

    public func openForReading() async throws -> (any Store)? {
        guard mayExist() else { return nil }
        return try SQLiteStore(path: path, createIfMissing: false)
    }

    /// Takes the writer lock (a file klinesync did not make is refused first, before a lock file is made), then
    /// opens the store, creating the file when there is none; a store that cannot be opened lets the lock go.
    public func openForWriting(lockTimeout: Double, onWait: @escaping @Sendable (String?) -> Void) async throws
        -> any Store
    {
        let lock = try await WriterLock.acquire(databasePath: path, timeout: lockTimeout) { holder in
            onWait(holder?.description)
        }
        do {
            return try SQLiteStore(path: path, createIfMissing: true, busyTimeout: 30, writerLock: lock)
        } catch {
            lock.release()
            throw error
        }
    }
}
