import KlineSyncCore
import Logging
import PostgresNIO

/// The symbol locks of one `PostgresStore`: session advisory locks held on one dedicated connection.
///
/// The key of a symbol's lock is `(hashtext(lineage id), hashtext("market:SYMBOL"))`, the two-`int4` form of
/// `pg_try_advisory_lock`: agents on the same dataset contend, datasets in other schemas of the same database do
/// not. (Two symbols whose names hash alike share a lock; that only makes an agent skip a symbol for a while.)
/// PostgreSQL releases every lock of the session when the connection closes, also when the process dies.
actor SymbolLocks {
    private let connection: PostgresConnection
    private let lineage: String
    private let logger: Logger
    /// Locks this store holds, by name.
    private var held: Set<String> = []
    /// Locks being taken or released right now (a query in flight).
    private var busy: Set<String> = []

    init(connection: PostgresConnection, lineage: String, logger: Logger) {
        self.connection = connection
        self.lineage = lineage
        self.logger = logger
    }

    /// Takes the lock without waiting; false when someone holds it, this store included.
    func tryLock(_ name: String) async throws -> Bool {
        guard !held.contains(name), !busy.contains(name) else { return false }
        busy.insert(name)
        defer { busy.remove(name) }
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(hashtext(\(lineage)), hashtext(\(name)))", logger: logger)
        var taken = false
        for try await value in rows.decode(Bool.self) { taken = value }
        if taken { held.insert(name) }
        return taken
    }

    /// Releases the lock when this store holds it.
    func unlock(_ name: String) async throws {
        guard !busy.contains(name), held.remove(name) != nil else { return }
        busy.insert(name)
        defer { busy.remove(name) }
        let rows = try await connection.query(
            "SELECT pg_advisory_unlock(hashtext(\(lineage)), hashtext(\(name)))", logger: logger)
        for try await _ in rows.decode(Bool.self) {}
    }

    /// Closes the connection, which releases every lock it holds.
    func close() async throws {
        held.removeAll()
        try await connection.close()
    }
}

extension PostgresStore: SymbolLocking {
    /// Takes the advisory lock of `symbol` on `market` without waiting (see `SymbolLocking`).
    ///
    /// - Returns: true when this call took it; false when another agent, or this store, holds it.
    /// - Throws: `.readOnly` on a read-only store, `.closed` after `close()`, a connection error otherwise.
    public func tryLockSymbol(_ market: Market, _ symbol: String) async throws -> Bool {
        let operation = "lock \(market.rawValue) \(symbol)"
        try checkOpen(operation)
        guard let locks else { throw PostgresStoreError.readOnly(url: displayName, operation: operation) }
        do {
            return try await locks.tryLock("\(market.rawValue):\(symbol)")
        } catch {
            throw PostgresStoreError.wrap(error, url: displayName, operation: operation)
        }
    }

    /// Releases the advisory lock of `symbol` on `market`; does nothing when this store does not hold it.
    public func unlockSymbol(_ market: Market, _ symbol: String) async throws {
        let operation = "unlock \(market.rawValue) \(symbol)"
        try checkOpen(operation)
        guard let locks else { return }
        do {
            try await locks.unlock("\(market.rawValue):\(symbol)")
        } catch {
            throw PostgresStoreError.wrap(error, url: displayName, operation: operation)
        }
    }
}
