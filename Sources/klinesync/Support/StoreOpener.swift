import Foundation
import KlineSyncCore
import KlineSyncPostgres
import KlineSyncSQLite

/// Opens the manifest's database.
enum StoreOpener {
    /// Whether the database may already exist: an SQLite file that is there; a server is assumed to (an empty one
    /// is told apart when it is opened, see `openExisting`).
    static func exists(_ location: DatabaseLocation) -> Bool {
        switch location {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }

    /// Opens the database; `create` makes an SQLite file, or PostgreSQL tables, when there are none. Errors say
    /// which database (password redacted) and why.
    static func open(_ location: DatabaseLocation, create: Bool) async throws -> any Store {
        switch location {
        case .sqlite(let path):
            do {
                return try SQLiteStore(path: path, createIfMissing: create)
            } catch {
                throw CLIError.database("\(error)")
            }
        case .postgres(let url):
            do {
                return try await PostgresStore(url: url, createIfMissing: create)
            } catch {
                // `PostgresStoreError` names the database with its password redacted.
                throw CLIError.database("\(error)")
            }
        }
    }

    /// Opens an existing database read-only; nil when there is none yet (no SQLite file, or a PostgreSQL database
    /// without klinesync tables).
    static func openExisting(_ location: DatabaseLocation) async throws -> (any Store)? {
        guard exists(location) else { return nil }
        if case .postgres(let url) = location {
            do {
                return try await PostgresStore(url: url, createIfMissing: false)
            } catch PostgresStoreError.missing {
                return nil
            } catch {
                throw CLIError.database("\(error)")
            }
        }
        return try await open(location, create: false)
    }

    /// The store snapshot for planning, without creating anything: an absent database plans as empty.
    static func snapshot(_ location: DatabaseLocation, market: Market) async throws -> StoreSnapshot {
        guard let store = try await openExisting(location) else { return .empty }
        do {
            let snapshot = try await StoreSnapshot.load(from: store, market: market)
            try await store.close()
            return snapshot
        } catch {
            try? await store.close()
            throw CLIError.database("cannot read \(location): \(error)")
        }
    }
}
