import KlineSyncCore
import Logging
import PostgresNIO

/// The symbol locks of one `PostgresStore`: session advisory locks held on one dedicated connection.
///
/// The key of a symbol's lock is `(hashtext(lineage id), hashtext("market:SYMBOL"))`, the two-`int4` form of
/// `pg_try_advisory_lock`: agents on the same dataset contend, datasets in other schemas of the same database do
/// not. (Two symbols whose names hash alike share a lock; that only makes an agent skip a symbol for a while.)
/// PostgreSQL releases every lock of the session when the connection closes, also when the process dies.
///
/// When the connection closes under the store (the server restarted or went away), the locks it held are gone:
/// `isLost(_:)` says so for each, so that the symbol's write is refused, and the next `tryLock` opens a new
/// connection (at most one attempt every `reconnectPause`, failing fast in between).
actor SymbolLocks {
    private var connection: PostgresConnection
    /// Counts the lock connections opened; a lock belongs to the connection it was taken on.
    private var generation = 0
    private let lineage: String
    private let timeouts: PostgresTimeouts
    private let connect: @Sendable () async throws -> PostgresConnection
    private let logger: Logger
    /// Locks this store holds, by name, with the generation of the connection that holds them.
    private var held: [String: Int] = [:]
    /// Locks being taken or released right now (a query in flight).
    private var busy: Set<String> = []
    /// The last failed reconnection: when, and the error.
    private var lastFailure: (at: ContinuousClock.Instant, error: any Error)?
    private var reconnecting: Task<PostgresConnection, any Error>?
    /// Set by `close()`: a connection that arrives later is closed at once, not kept.
    private var isShutDown = false

    /// No new connection is tried sooner than this after a failed one.
    static let reconnectPause: Duration = .seconds(2)

    init(
        connection: PostgresConnection, lineage: String, timeouts: PostgresTimeouts,
        connect: @escaping @Sendable () async throws -> PostgresConnection, logger: Logger
    ) {
        self.connection = connection
        self.lineage = lineage
        self.timeouts = timeouts
        self.connect = connect
        self.logger = logger
    }

    /// Takes the lock without waiting; false when someone holds it, this store included.
    func tryLock(_ name: String) async throws -> Bool {
        guard !isHeld(name), !busy.contains(name) else { return false }
        busy.insert(name)
        defer { busy.remove(name) }
        let (connection, generation) = try await liveConnection()
        let lineage = self.lineage
        let logger = self.logger
        let taken = try await BoundedWait(deadline: timeouts.idle).run { attach in
            attach(connection)
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(hashtext(\(lineage)), hashtext(\(name)))", logger: logger)
            var taken = false
            for try await value in rows.decode(Bool.self) { taken = value }
            return taken
        }
        if taken { held[name] = generation }
        return taken
    }

    /// Releases the lock when this store holds it. A lock whose connection closed is already released.
    func unlock(_ name: String) async throws {
        guard !busy.contains(name), let owner = held.removeValue(forKey: name) else { return }
        guard owner == generation, !connection.isClosed else { return }
        busy.insert(name)
        defer { busy.remove(name) }
        let connection = self.connection
        let lineage = self.lineage
        let logger = self.logger
        try await BoundedWait(deadline: timeouts.idle).run { attach in
            attach(connection)
            let rows = try await connection.query(
                "SELECT pg_advisory_unlock(hashtext(\(lineage)), hashtext(\(name)))", logger: logger)
            for try await _ in rows.decode(Bool.self) {}
        }
    }

    /// Whether this store took the lock of `name` and has lost it since: the connection that held it closed.
    func isLost(_ name: String) -> Bool {
        guard let owner = held[name] else { return false }
        return owner != generation || connection.isClosed
    }

    /// Starts closing the connection without waiting (the server may not answer): every lock it holds is released
    /// and counts as lost; the next `tryLock` connects again.
    func dropConnection() {
        connection.closeNow()
    }

    /// Closes the connection, which releases every lock it holds.
    func close() async {
        isShutDown = true
        held.removeAll()
        reconnecting?.cancel()
        if !connection.isClosed { try? await connection.close() }
    }

    private func isHeld(_ name: String) -> Bool { held[name] != nil && !isLost(name) }

    /// Makes a new connection the lock connection (once, however many callers waited for it).
    private func adopt(_ new: PostgresConnection) throws -> (PostgresConnection, Int) {
        if isShutDown {
            // PostgresNIO requires every connection to be closed before it is released.
            new.closeNow()
            throw CancellationError()
        }
        if connection !== new {
            connection = new
            generation += 1
            lastFailure = nil
        }
        return (connection, generation)
    }

    /// The lock connection, a new one when it closed.
    private func liveConnection() async throws -> (PostgresConnection, Int) {
        if !connection.isClosed { return (connection, generation) }
        if let reconnecting { return try adopt(try await reconnecting.value) }
        if let lastFailure, ContinuousClock.now - lastFailure.at < Self.reconnectPause { throw lastFailure.error }
        logger.info("the symbol-lock connection closed; connecting again")
        let connect = self.connect
        let task = Task { try await connect() }
        reconnecting = task
        defer { reconnecting = nil }
        do {
            return try adopt(try await task.value)
        } catch {
            lastFailure = (ContinuousClock.now, error)
            throw error
        }
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
        guard let locks else { throw PostgresStoreError.failure(.readOnly, url: displayName, operation: operation) }
        try await checkHealth()
        do {
            return try await locks.tryLock("\(market.rawValue):\(symbol)")
        } catch {
            let error = PostgresStoreError.wrap(error, url: displayName, operation: operation)
            health.observe(error)
            throw error
        }
    }

    /// Releases the advisory lock of `symbol` on `market`; does nothing when this store does not hold it.
    public func unlockSymbol(_ market: Market, _ symbol: String) async throws {
        let operation = "unlock \(market.rawValue) \(symbol)"
        try checkOpen(operation)
        guard let locks else { return }
        // A suspect server may not answer the unlock; closing the lock connection releases the lock without it.
        if health.isSuspect {
            await locks.dropConnection()
            return
        }
        do {
            try await locks.unlock("\(market.rawValue):\(symbol)")
        } catch {
            let error = PostgresStoreError.wrap(error, url: displayName, operation: operation)
            health.observe(error)
            throw error
        }
    }
}
