import Foundation
import KlineSyncPostgres
import Logging
import PostgresNIO

/// Direct SQL on the test server, for setting up and tearing down what the store tests use.
enum PostgresAdmin {
    /// Runs `statements` one by one on a new connection to `server`.
    static func execute(_ statements: [String], server: String) async throws {
        let url = try PostgresURL(server)
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: url.tlsMode == .disable
                ? .disable : .prefer(try NIOSSLContext(configuration: .makeClientConfiguration())))
        configuration.options.connectTimeout = .seconds(10)
        let logger = Logger(label: "klinesync.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Drops a test schema and everything in it.
    static func dropSchema(_ schema: String, server: String) async throws {
        precondition(schema.hasPrefix("t_"), "only test schemas are dropped")
        try await execute(["DROP SCHEMA IF EXISTS \(schema) CASCADE"], server: server)
    }
}

extension PostgresAdmin {
    /// Runs `body` with a new connection to `server`, closed afterwards.
    static func withConnection<T>(server: String, _ body: (PostgresConnection, Logger) async throws -> T)
        async throws -> T
    {
        let url = try PostgresURL(server)
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: url.tlsMode == .disable
                ? .disable : .prefer(try NIOSSLContext(configuration: .makeClientConfiguration())))
        configuration.options.connectTimeout = .seconds(10)
        let logger = Logger(label: "klinesync.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection, logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `statements` on one new connection to `server` and returns the first column of the last one's rows, as
    /// text.
    static func strings(_ statements: [String], server: String) async throws -> [String] {
        try await withConnection(server: server) { connection, logger in
            var result: [String] = []
            for statement in statements {
                result = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                for try await row in rows {
                    result.append((try row.decode(String?.self)) ?? "")
                }
            }
            return result
        }
    }
}
