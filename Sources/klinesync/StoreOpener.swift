import Foundation
import KlineSyncCore
import KlineSyncSQLite

/// Opens the manifest's database.
enum StoreOpener {
    /// Whether the database already exists (an SQLite file; a server is assumed to).
    static func exists(_ location: DatabaseLocation) -> Bool {
        switch location {
        case .sqlite(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }

    /// Opens the database; `create` makes an SQLite file when there is none. Errors say which database and why.
    static func open(_ location: DatabaseLocation, create: Bool) throws -> any Store {
        switch location {
        case .sqlite(let path):
            do {
                return try SQLiteStore(path: path, createIfMissing: create)
            } catch {
                throw CLIError.database("\(error)")
            }
        case .postgres:
            throw CLIError.database(
                "database \(location) is PostgreSQL, which this build of klinesync cannot open yet; use sqlite:PATH")
        }
    }

    /// The store snapshot for planning, without creating anything: an absent database plans as empty.
    static func snapshot(_ location: DatabaseLocation, market: Market) async throws -> StoreSnapshot {
        guard exists(location) else { return .empty }
        let store = try open(location, create: false)
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
