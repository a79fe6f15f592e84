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

    /// `scheme://user:secret@host` → `scheme://user:***@host`; anything else unchanged.
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return url }
        let userInfo = rest[rest.startIndex..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + userInfo[..<colon] + ":***" + rest[at...]
    }
}
