import Foundation
import KlineSyncCore
import Logging
import PostgresNIO

/// The shared `Store`: a PostgreSQL database reached through a PostgresNIO connection pool (`PostgresClient`).
///
/// Several `klinesync apply` processes may use one database at once: each write is one transaction per symbol,
/// and `SymbolLocking` (session advisory locks on a dedicated connection) lets them split the symbols. Decimals are
/// stored as the exact text the exchange sent (see `PostgresSchema`), so reads, and the digests computed from
/// them, equal the SQLite store's for the same bars.
///
/// The pool runs in a task the store owns until `close()`, which every user must call.
public final class PostgresStore: Store {
    /// The database URL with its password redacted.
    public let displayName: String
    /// Whether the store was opened read-only (`createIfMissing: false`).
    public let isReadOnly: Bool

    let client: PostgresClient
    let logger: Logger
    /// The connection that holds this store's symbol locks (writable stores only), and the locks it holds.
    let locks: SymbolLocks?
    /// The bounded waits of every database access.
    let timeouts: PostgresTimeouts
    /// Opens a new single connection (the lock connection, health checks).
    let connect: @Sendable () async throws -> PostgresConnection
    /// Whether the server has been answering; accesses after an outage fail fast until a probe reaches it.
    let health: ServerHealth
    private let lineage: String
    /// The schema version: `PostgresSchema.currentVersion` once opened for writing (which migrates it); an older
    /// one only on a read-only store.
    let schemaVersion: Int
    private let runTask: Task<Void, Never>
    private let closed = ClosedFlag()

    /// Bars per batch in `forEachBatch(of:_:)`.
    static let batchSize = 10_000

    /// Connects to the database at `url`, checks its schema and migrates it.
    ///
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`, with optional `?schema=NAME` (klinesync's tables
    ///     in their own schema, created when missing) and `?sslmode=disable|prefer|require|verify-full`.
    ///   - createIfMissing: true (the default) creates or migrates the tables as needed, under an advisory lock so
    ///     that processes starting together migrate once. false opens read-only: a database without klinesync
    ///     tables is `PostgresStoreError.missing` and nothing is created.
    ///   - maximumConnections: Size of the pool.
    ///   - logger: Where PostgresNIO logs; nothing by default.
    /// - Throws: `PostgresStoreError` naming the redacted URL: `.invalidURL`, `.cannotConnect` ("connection
    ///   refused", "password authentication failed …"), `.missing`, `.foreignDatabase`, `.newerSchema`.
    public init(
        url: String, createIfMissing: Bool = true, maximumConnections: Int = 8,
        timeouts: PostgresTimeouts = PostgresTimeouts(),
        logger: Logger = Logger(label: "klinesync.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws {
        let parsed = try PostgresURL(url)
        let redacted = parsed.redacted
        self.displayName = redacted
        self.isReadOnly = !createIfMissing
        self.logger = logger
        self.timeouts = timeouts

        // One direct connection first: it fails fast with the real reason (the pool would retry quietly), runs the
        // migration, and then holds the symbol locks.
        let single = try PostgresStore.connectionConfiguration(parsed, timeouts: timeouts)
        // TCP connect is bounded by the configuration; the login after it by the wait.
        let connect: @Sendable () async throws -> PostgresConnection = {
            try await BoundedWait(deadline: timeouts.connect * 2).run { _ in
                try await PostgresConnection.connect(configuration: single, id: 0, logger: logger)
            }
        }
        self.connect = connect
        self.health = ServerHealth { await PostgresStore.probe(connect, timeouts: timeouts) }
        let connection: PostgresConnection
        do {
            connection = try await connect()
        } catch {
            throw PostgresStoreError.cannotConnect(url: redacted, reason: PostgresStoreError.reason(error))
        }
        do {
            let readOnly = !createIfMissing
            (self.lineage, self.schemaVersion) = try await BoundedWait(deadline: timeouts.migration).run { attach in
                attach(connection)
                return try await PostgresStore.prepareSchema(
                    connection, schema: parsed.schema, url: redacted, readOnly: readOnly, logger: logger)
            }
        } catch {
            connection.closeNow()
            throw PostgresStoreError.wrap(error, url: redacted, operation: "prepare the klinesync tables")
        }
        if createIfMissing {
            self.locks = SymbolLocks(
                connection: connection, lineage: lineage, timeouts: timeouts, connect: connect, logger: logger)
        } else {
            self.locks = nil
            connection.closeNow()
        }

        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.username, password: parsed.password,
            database: parsed.database, tls: try PostgresStore.clientTLS(parsed))
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.additionalStartupParameters = PostgresStore.startupParameters(parsed)
        configuration.options.connectTimeout = timeouts.connect
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.runTask = Task { await client.run() }
    }

    /// The lineage id made when the database was created.
    public func lineageID() async throws -> String {
        try checkOpen("read the lineage id")
        return lineage
    }

    /// Releases the symbol locks, closes every connection and stops the pool. Later calls fail with `.closed`.
    ///
    /// Waits at most `timeouts.close` (a dead server cannot hold it): what has not closed by then is dropped; the
    /// server releases the locks of a connection that goes away.
    public func close() async throws {
        guard closed.close() else { return }
        let runTask = self.runTask
        let locks = self.locks
        do {
            try await BoundedWait(deadline: timeouts.close).run { _ in
                runTask.cancel()
                await runTask.value
                await locks?.close()
            }
        } catch {
            logger.warning("the database connections did not close in time", metadata: ["database": "\(displayName)"])
        }
    }

    /// Whether the schema is read as version 1 (a read-only store on an unmigrated database): no datasets but trade
    /// klines, no funding tables.
    var isLegacy: Bool { schemaVersion < 2 }

    /// Throws `.closed` after `close()`.
    func checkOpen(_ operation: String) throws {
        if closed.isClosed {
            throw PostgresStoreError.failure(.closed, url: displayName, operation: operation)
        }
    }

    /// Runs `body` on a pooled connection, mapping failures to `PostgresStoreError` with `operation` named.
    ///
    /// The wait is bounded (`BoundedWait`): it ends when the connection closes (`.connectionLost`), when nothing
    /// has moved for `timeouts.idle` (`.timedOut`), when the server cannot be reached while waiting for a
    /// connection (`.cannotConnect`), or when the calling task is cancelled (`.interrupted`).
    @discardableResult
    func withConnection<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen(operation)
        try await checkHealth()
        let client = self.client
        do {
            return try await boundedWait().run { attach in
                try await client.withConnection { connection in
                    attach(connection)
                    return try await body(connection)
                }
            }
        } catch {
            let error = PostgresStoreError.wrap(error, url: displayName, operation: operation)
            health.observe(error)
            throw error
        }
    }

    /// Returns at once while the server answers; after an outage, throws `.cannotConnect` unless a probe of the
    /// server (at most `timeouts.probe`) reaches it.
    func checkHealth() async throws {
        if let reason = await health.unavailable() {
            throw PostgresStoreError.cannotConnect(url: displayName, reason: reason)
        }
    }

    /// Connects, runs `SELECT 1` and closes, within `timeouts.probe`; the reason when that fails.
    static func probe(
        _ connect: @escaping @Sendable () async throws -> PostgresConnection, timeouts: PostgresTimeouts
    ) async -> String? {
        do {
            try await BoundedWait(deadline: timeouts.probe).run { attach in
                let connection = try await connect()
                defer { connection.closeNow() }
                attach(connection)
                try await connection.query("SELECT 1", logger: Logger(label: "klinesync.postgres.probe"))
            }
            return nil
        } catch {
            return PostgresStoreError.reason(error)
        }
    }

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled back when it
    /// throws. `begin` may add an isolation level (`BEGIN ISOLATION LEVEL …`). A transaction whose wait ended early
    /// (its task is cancelled then) is never committed.
    func withTransaction<T: Sendable>(
        _ operation: String, begin: String = "BEGIN", _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        return try await withConnection(operation) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
            do {
                let result = try await body(connection)
                try Task.checkCancellation()
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                // A failed ROLLBACK means the connection is gone; the server then rolls back on its own. A statement
                // sent on a closed connection is never answered, so none is sent then.
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    /// The bounded wait of one access: `timeouts.idle` without progress, with a health check of the server while
    /// waiting for a pooled connection.
    func boundedWait() -> BoundedWait {
        let connect = self.connect
        return BoundedWait(
            deadline: timeouts.idle, healthInterval: timeouts.healthInterval,
            healthCheck: {
                do {
                    let probe = try await connect()
                    probe.closeNow()
                    return nil
                } catch {
                    return PostgresStoreError.reason(error)
                }
            })
    }

    // MARK: Connecting

    /// The configuration of a single connection (the migration and lock connection).
    static func connectionConfiguration(_ url: PostgresURL, timeouts: PostgresTimeouts = PostgresTimeouts()) throws
        -> PostgresConnection.Configuration
    {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration(url)))
        case .require, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration(url)))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: tls)
        configuration.options.additionalStartupParameters = startupParameters(url)
        configuration.options.connectTimeout = .nanoseconds(timeouts.connect.nanoseconds)
        return configuration
    }

    /// The pool's TLS setting for `url`.
    static func clientTLS(_ url: PostgresURL) throws -> PostgresClient.Configuration.TLS {
        switch url.tlsMode {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration(url))
        case .require, .verifyFull: .require(tlsConfiguration(url))
        }
    }

    /// libpq's meaning of the modes: only `verify-full` checks the certificate.
    private static func tlsConfiguration(_ url: PostgresURL) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if url.tlsMode != .verifyFull { configuration.certificateVerification = .none }
        return configuration
    }

    /// `search_path` set to the URL's schema, so that every statement finds klinesync's tables there.
    static func startupParameters(_ url: PostgresURL) -> [(String, String)] {
        guard let schema = url.schema else { return [] }
        return [("search_path", schema)]
    }
}
