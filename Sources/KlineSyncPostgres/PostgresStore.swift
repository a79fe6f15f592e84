import Foundation
import KlineSyncCore
import Logging
import PostgresNIO
import Synchronization

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
    private let lineage: String
    private let runTask: Task<Void, Never>
    private let isClosed = Mutex(false)

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
        logger: Logger = Logger(label: "klinesync.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws {
        let parsed = try PostgresURL(url)
        let redacted = parsed.redacted
        self.displayName = redacted
        self.isReadOnly = !createIfMissing
        self.logger = logger

        // One direct connection first: it fails fast with the real reason (the pool would retry quietly), runs the
        // migration, and then holds the symbol locks.
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try PostgresStore.connectionConfiguration(parsed), id: 0, logger: logger)
        } catch {
            throw PostgresStoreError.cannotConnect(url: redacted, reason: PostgresStoreError.reason(error))
        }
        do {
            self.lineage = try await PostgresStore.prepareSchema(
                connection, schema: parsed.schema, url: redacted, readOnly: !createIfMissing, logger: logger)
        } catch {
            try? await connection.close()
            throw PostgresStoreError.wrap(error, url: redacted, operation: "prepare the klinesync tables")
        }
        if createIfMissing {
            self.locks = SymbolLocks(connection: connection, lineage: lineage, logger: logger)
        } else {
            self.locks = nil
            try? await connection.close()
        }

        var configuration = PostgresClient.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.username, password: parsed.password,
            database: parsed.database, tls: try PostgresStore.clientTLS(parsed))
        configuration.options.maximumConnections = max(1, maximumConnections)
        configuration.options.additionalStartupParameters = PostgresStore.startupParameters(parsed)
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
    public func close() async throws {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        runTask.cancel()
        await runTask.value
        try? await locks?.close()
    }

    /// Throws `.closed` after `close()`.
    func checkOpen(_ operation: String) throws {
        if isClosed.withLock({ $0 }) { throw PostgresStoreError.closed(url: displayName, operation: operation) }
    }

    /// Runs `body` on a pooled connection, mapping failures to `PostgresStoreError` with `operation` named.
    @discardableResult
    func withConnection<T: Sendable>(
        _ operation: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen(operation)
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw PostgresStoreError.wrap(error, url: displayName, operation: operation)
        }
    }

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled back when it
    /// throws. `begin` may add an isolation level (`BEGIN ISOLATION LEVEL …`).
    func withTransaction<T: Sendable>(
        _ operation: String, begin: String = "BEGIN", _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        return try await withConnection(operation) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                // A failed ROLLBACK means the connection is gone; the server then rolls back on its own.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    // MARK: Connecting

    /// The configuration of a single connection (the migration and lock connection).
    static func connectionConfiguration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
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
