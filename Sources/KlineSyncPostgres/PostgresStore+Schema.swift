import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// What the schema holds before any migration runs.
    enum Inspection: Equatable {
        /// No klinesync tables: a new database.
        case empty
        /// Tables named like klinesync's, but no `meta` table.
        case foreign
        /// A klinesync database at this schema version.
        case klinesync(version: Int)
    }

    /// Checks the schema, migrates it (writable opens only) and returns the lineage id and the schema version the
    /// store reads (a read-only store reads a version-1 schema as it is, without migrating it).
    ///
    /// A writable open does all of it in one transaction that first takes a transaction-level advisory lock on the
    /// schema: two processes starting at once migrate once, the second waiting for the first and then finding the
    /// tables made. DDL is transactional in PostgreSQL, so a failed migration leaves nothing behind.
    static func prepareSchema(
        _ connection: PostgresConnection, schema: String?, url: String, readOnly: Bool, logger: Logger
    ) async throws -> (lineage: String, version: Int) {
        let known = PostgresSchema.currentVersion
        if readOnly {
            switch try await inspect(connection, logger: logger) {
            case .empty: throw PostgresStoreError.missing(url: url)
            case .foreign: throw PostgresStoreError.foreignDatabase(url: url)
            case .klinesync(let version) where version > known:
                throw PostgresStoreError.newerSchema(url: url, found: version, known: known)
            case .klinesync(let version) where version < PostgresSchema.oldestReadable:
                throw PostgresStoreError.outdatedSchema(url: url, found: version, known: known)
            case .klinesync(let version):
                return (try await lineageID(connection, url: url, logger: logger), version)
            }
        }

        try await connection.query("BEGIN", logger: logger)
        do {
            let lockName = "klinesync migrate " + (schema ?? "")
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext(\(lockName)))", logger: logger)
            if let schema {
                // The name was checked by `PostgresURL` ([a-z_][a-z0-9_]*), so it needs no quoting.
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            }
            let version: Int
            switch try await inspect(connection, logger: logger) {
            case .foreign: throw PostgresStoreError.foreignDatabase(url: url)
            case .klinesync(let found) where found > known:
                throw PostgresStoreError.newerSchema(url: url, found: found, known: known)
            case .klinesync(let found): version = found
            case .empty: version = 0
            }
            for (index, migration) in PostgresSchema.migrations.enumerated() where index + 1 > version {
                for statement in statements(migration) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                if index == 0 {
                    let lineage = UUID().uuidString.lowercased()
                    try await connection.query(
                        "INSERT INTO meta (key, value) VALUES ('lineage_id', \(lineage)), ('schema_version', '1')",
                        logger: logger)
                } else {
                    let newVersion = String(index + 1)
                    try await connection.query(
                        "UPDATE meta SET value = \(newVersion) WHERE key = 'schema_version'", logger: logger)
                }
            }
            let lineage = try await lineageID(connection, url: url, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            return (lineage, known)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Looks at the schema (the connection's search path) without changing it.
    static func inspect(_ connection: PostgresConnection, logger: Logger) async throws -> Inspection {
        let rows = try await connection.query(
            """
            SELECT to_regclass('meta') IS NOT NULL,
                to_regclass('series') IS NOT NULL OR to_regclass('bars') IS NOT NULL
            """, logger: logger)
        var hasMeta = false
        var hasOthers = false
        for try await (meta, others) in rows.decode((Bool, Bool).self) {
            hasMeta = meta
            hasOthers = others
        }
        guard hasMeta else { return hasOthers ? .foreign : .empty }
        let version = try await connection.query(
            "SELECT value FROM meta WHERE key = 'schema_version'", logger: logger)
        for try await text in version.decode(String.self) {
            return .klinesync(version: Int(text) ?? 0)
        }
        return .klinesync(version: 0)
    }

    /// The lineage id in `meta`.
    private static func lineageID(_ connection: PostgresConnection, url: String, logger: Logger) async throws
        -> String
    {
        let rows = try await connection.query("SELECT value FROM meta WHERE key = 'lineage_id'", logger: logger)
        for try await lineage in rows.decode(String.self) { return lineage }
        throw PostgresStoreError.failure(
            .corruptRow(reason: "meta has none"), url: url, operation: "read the lineage id")
    }

    /// The statements of a migration, one per `;` at the end of a line (the extended protocol runs one at a time).
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }
}
