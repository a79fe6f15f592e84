import KlineSyncCore
import KlineSyncPostgres
import KlineSyncSQLite

/// Picks the backend of the manifest's database.
enum StoreOpener {
    /// The connector of the database at `location`.
    static func connector(_ location: DatabaseLocation) -> any StoreConnector {
        switch location {
        case .sqlite(let path): SQLiteConnector(path: path)
        case .postgres(let url): PostgresConnector(url: url)
        }
    }
}
