import Foundation
import KlineSyncCore

/// A parsed `postgres://user:pass@host:port/db?schema=NAME&sslmode=MODE` URL.
///
/// Also `postgresql://`. User and password may be percent-encoded, and may be given as options instead, as libpq
/// allows (`postgres://host/db?user=u&password=p`). Options:
/// - `schema`: the schema that holds klinesync's tables (created when missing), `[a-z_][a-z0-9_]*`; default: the
///   server's search path (normally `public`).
/// - `sslmode`: `disable`, `prefer` (the default: TLS when the server offers it, certificate not checked),
///   `require` (TLS, certificate not checked) or `verify-full` (TLS, certificate and host name checked).
public struct PostgresURL: Sendable, Hashable {
    /// How to use TLS, libpq's names.
    public enum TLSMode: String, Sendable, Hashable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String?
    public var tlsMode: TLSMode
    /// The URL with its password replaced by `***` (wherever it is written, see `Redaction`), fit to print.
    public var redacted: String

    /// Parses `url`; errors name the redacted URL and what is wrong.
    public init(_ url: String) throws {
        let redacted = DatabaseLocation.redact(url)
        self.redacted = redacted
        func invalid(_ reason: String) -> PostgresStoreError { .invalidURL(url: redacted, reason: reason) }

        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw invalid("expected postgres://user:password@host:port/database")
        }
        guard let components = URLComponents(string: url) else {
            throw invalid("not a URL (percent-encode special characters in the user name and password)")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        self.host = host
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        var user = components.user
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw invalid("no database name after the host") }
        self.database = path.removingPercentEncoding ?? path

        self.schema = nil
        self.tlsMode = .prefer
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "schema":
                guard PostgresURL.isValidSchemaName(value) else {
                    throw invalid("schema '\(value)' is not a plain lower-case name ([a-z_][a-z0-9_]*, at most 63)")
                }
                schema = value
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw invalid("sslmode '\(value)' is not one of disable, prefer, require, verify-full")
                }
                tlsMode = mode
            case "user":
                user = value
            case "password":
                password = value
            default:
                throw invalid("unknown option '\(item.name)' (known: schema, sslmode, user, password)")
            }
        }
        guard let user, !user.isEmpty else { throw invalid("no user name") }
        self.username = user
    }

    /// Whether `name` is a schema name klinesync accepts: lower-case letters, digits and `_`, not starting with a
    /// digit, at most 63 bytes; so it never needs quoting.
    static func isValidSchemaName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard let first = utf8.first, utf8.count <= 63, !(first >= 48 && first <= 57) else { return false }
        return utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }
}
