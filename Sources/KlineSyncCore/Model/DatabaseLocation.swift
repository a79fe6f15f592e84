import Foundation

/// Where the database is: an SQLite file or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An SQLite file at an absolute path.
    case sqlite(path: String)
    /// A PostgreSQL connection URL (`postgres://user:pass@host:5432/db`), kept verbatim.
    case postgres(url: String)

    /// The location fit to print: passwords replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): DatabaseLocation.redact(url)
        }
    }

    /// The connection string with every secret replaced by `***`, in all of libpq's spellings (see `Redaction`).
    public static func redact(_ url: String) -> String { Redaction.redact(url) }
}
