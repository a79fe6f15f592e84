import Foundation
import KlineSyncCore
import KlineSyncPostgres
import KlineSyncSQLite
import Testing

/// One fresh database of some backend, that a test can open, reopen and finally destroy.
protocol TestDatabase: Sendable {
    /// Opens a store on the database (again, when called twice).
    func open() async throws -> any Store
    /// Removes the database and everything it created.
    func destroy() async throws
}

/// A `Store` implementation the contract suite runs against.
///
/// `all` lists SQLite always; a PostgreSQL backend is appended to it when `KLINESYNC_TEST_POSTGRES_URL` is set
/// (each of its databases then being a fresh schema on that server).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    /// Makes a new, empty database.
    let makeDatabase: @Sendable () async throws -> any TestDatabase

    var testDescription: String { name }

    static let sqlite = StoreBackend(name: "sqlite") { try SQLiteTestDatabase() }

    /// Each database is a fresh schema on the server at `KLINESYNC_TEST_POSTGRES_URL`.
    static let postgres = StoreBackend(name: "postgres") { try PostgresTestDatabase() }

    static let all: [StoreBackend] = [.sqlite] + (PostgresTestDatabase.serverURL == nil ? [] : [.postgres])

    /// Runs `body` with a store on a fresh database, then closes and destroys it.
    func withStore<T>(_ body: (any Store, any TestDatabase) async throws -> T) async throws -> T {
        let database = try await makeDatabase()
        let store: any Store
        do {
            store = try await database.open()
        } catch {
            try? await database.destroy()
            throw error
        }
        do {
            let result = try await body(store, database)
            try await store.close()
            try await database.destroy()
            return result
        } catch {
            try? await store.close()
            try? await database.destroy()
            throw error
        }
    }
}

/// An SQLite file in its own temporary folder.
struct SQLiteTestDatabase: TestDatabase {
    let folder: URL
    var path: String { folder.appendingPathComponent("db/klines.sqlite").path }

    init() throws {
        folder = try TemporaryFolder.make()
    }

    func open() async throws -> any Store { try SQLiteStore(path: path) }

    func destroy() async throws { try FileManager.default.removeItem(at: folder) }
}

/// A fresh schema (`?schema=t_…`) in the database at `KLINESYNC_TEST_POSTGRES_URL`, dropped by `destroy()`.
struct PostgresTestDatabase: TestDatabase {
    /// The server the PostgreSQL backend uses; nil skips it.
    static let serverURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["KLINESYNC_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }()

    let schema: String
    let url: String

    init() throws {
        guard let server = Self.serverURL else { throw TestSetupError("KLINESYNC_TEST_POSTGRES_URL is not set") }
        schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        url = Self.url(server, schema: schema)
    }

    func open() async throws -> any Store { try await PostgresStore(url: url) }

    func destroy() async throws { try await PostgresAdmin.dropSchema(schema, server: Self.serverURL!) }

    /// `server` with `schema=…` added to its options.
    static func url(_ server: String, schema: String) -> String {
        server + (server.contains("?") ? "&" : "?") + "schema=" + schema
    }
}

/// A test setup problem.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Unique temporary folders for tests.
enum TemporaryFolder {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-tests-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
