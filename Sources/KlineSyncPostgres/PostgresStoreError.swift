import Foundation
import KlineSyncCore
import NIOCore
import PostgresNIO

/// Errors of the PostgreSQL store, each with the database URL (password redacted) and what was being done.
///
/// No case ever carries the password: every URL in them went through `DatabaseLocation.redact`, and server or
/// network messages never contain it.
public enum PostgresStoreError: Error, CustomStringConvertible, LocalizedError, Sendable {
    /// The database URL cannot be used: wrong scheme, no host, an unknown option.
    case invalidURL(url: String, reason: String)
    /// Connecting or logging in failed: connection refused, unknown host, wrong password, no such database.
    case cannotConnect(url: String, reason: String)
    /// A read-only open found no klinesync tables (read-only opens never create them).
    case missing(url: String)
    /// The schema holds tables named like klinesync's, but no klinesync `meta` table.
    case foreignDatabase(url: String)
    /// The database was written by a newer klinesync whose schema this build does not know.
    case newerSchema(url: String, found: Int, known: Int)
    /// A read-only open found an older schema that only a writable open can upgrade.
    case outdatedSchema(url: String, found: Int, known: Int)
    /// A failure every store shares: read-only, closed, a refused write, a corrupt row, a failing database.
    case access(StoreFailure)
    /// The connection closed while doing `operation` (the server stopped, restarted or dropped it).
    case connectionLost(url: String, operation: String)
    /// The server did not answer for `seconds` while doing `operation`.
    case timedOut(url: String, operation: String, seconds: Double)
    /// The run was interrupted while doing `operation`; a write in progress was not committed.
    case interrupted(url: String, operation: String)
    /// A symbol's write was refused because the connection holding its lock closed since the lock was taken, so
    /// another agent may be working on the symbol.
    case lockLost(url: String, operation: String)

    /// The message a person reads: what failed, where, and what to do when there is something to do.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid database URL \(url): \(reason)"
        case .cannotConnect(let url, let reason):
            "cannot connect to \(url): \(reason)"
        case .missing(let url):
            "no klinesync tables in \(url); run `klinesync apply` first"
        case .foreignDatabase(let url):
            "cannot use \(url): its schema has tables named like klinesync's but no klinesync meta table; "
                + "use another database or add ?schema=NAME to the URL"
        case .newerSchema(let url, let found, let known):
            "cannot open \(url): its schema version \(found) is newer than this klinesync knows (\(known)); "
                + "upgrade klinesync"
        case .outdatedSchema(let url, let found, let known):
            "cannot read \(url): its schema version \(found) is older than \(known); "
                + "run `klinesync apply` to upgrade it"
        case .access(let failure):
            failure.description
        case .connectionLost(let url, let operation):
            "cannot \(operation) in database \(url): the connection to the server was lost; "
                + "check that the server is running, then run again"
        case .timedOut(let url, let operation, let seconds):
            "cannot \(operation) in database \(url): the server did not answer for \(Self.format(seconds)); "
                + "check that it is running and reachable, then run again"
        case .interrupted(let url, let operation):
            "cannot \(operation) in database \(url): interrupted"
        case .lockLost(let url, let operation):
            "cannot \(operation) in database \(url): the connection holding its lock closed, so another agent "
                + "may be working on it; nothing of it was written, a later run picks it up"
        }
    }

    /// `30s`, `2.5s`.
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\((seconds * 10).rounded() / 10)s"
    }

    /// Same as `description`, for `LocalizedError` consumers such as ArgumentParser.
    public var errorDescription: String? { description }

    /// A short reason for any error PostgresNIO, NIO or the server raised: the server's message (with its detail),
    /// or the network failure ("connection refused").
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let message = error.serverInfo?[.message] ?? "server error"
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                let detail = error.serverInfo?[.detail].map { "; \($0)" } ?? ""
                return message + state + detail
            case .connectionError:
                return error.underlying.map(reason) ?? "connection error"
            case .serverClosedConnection, .uncleanShutdown:
                return "the server closed the connection"
            case .clientClosedConnection, .poolClosed:
                return "the connection was closed"
            case .sslUnsupported:
                return "the server does not support TLS (add ?sslmode=disable to the URL to connect without it)"
            case .authMechanismRequiresPassword:
                return "the server asks for a password and the URL has none"
            case .queryCancelled:
                return "the query was cancelled"
            default:
                return error.code.description
            }
        }
        if let error = error as? NIOConnectionError {
            let failures = error.connectionErrors.map { reason($0.error) }
            if let first = failures.first { return first }
            if let dns = error.dnsAAAAError ?? error.dnsAError { return "cannot resolve host: \(dns)" }
            return "cannot connect"
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ETIMEDOUT: return "connection timed out"
            case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
            default: return String(cString: strerror(error.errnoCode))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "connection timed out"
        }
        if let error = error as? PostgresStoreError { return error.description }
        if let ending = error as? BoundedWait.Ending {
            switch ending {
            case .timedOut(let deadline): return "no answer from the server for \(Self.format(deadline.seconds))"
            case .connectionLost: return "the connection to the server was lost"
            case .cancelled: return "interrupted"
            case .unreachable(let reason): return reason
            }
        }
        let text = String(describing: error)
        // The pool's `ConnectionPoolError` (in a module klinesync does not import): new connections kept failing.
        if text.contains("connectionCreationCircuitBreakerTripped") {
            return "new connections to the server keep failing"
        }
        return text
    }

    /// Maps any error thrown inside a database access: a `PostgresStoreError` or a caller's error (`CallerError`)
    /// unchanged, a `WriteRefusal` as `.invalidWrite`, a lost connection as `.cannotConnect`, anything else as
    /// `.database`, with the operation named.
    static func wrap(_ error: any Error, url: String, operation: String) -> any Error {
        if let error = error as? PostgresStoreError { return error }
        if let ending = error as? BoundedWait.Ending {
            switch ending {
            case .timedOut(let deadline):
                return PostgresStoreError.timedOut(url: url, operation: operation, seconds: deadline.seconds)
            case .connectionLost: return PostgresStoreError.connectionLost(url: url, operation: operation)
            case .cancelled: return PostgresStoreError.interrupted(url: url, operation: operation)
            case .unreachable(let reason): return PostgresStoreError.cannotConnect(url: url, reason: reason)
            }
        }
        if error is CancellationError { return PostgresStoreError.interrupted(url: url, operation: operation) }
        if let error = error as? PSQLError,
            [.serverClosedConnection, .uncleanShutdown, .clientClosedConnection].contains(error.code)
        {
            return PostgresStoreError.connectionLost(url: url, operation: operation)
        }
        if let caller = error as? CallerError { return caller.error }
        if let refusal = error as? WriteRefusal {
            return failure(.invalidWrite(reason: refusal.reason), url: url, operation: operation)
        }
        if let error = error as? PSQLError, error.code == .connectionError {
            return PostgresStoreError.cannotConnect(url: url, reason: reason(error))
        }
        return failure(.database(reason: reason(error)), url: url, operation: operation)
    }

    /// A failure of the database at `url` (redacted): `StoreFailure` with the location as PostgreSQL messages name
    /// it.
    static func failure(_ kind: StoreFailure.Kind, url: String, operation: String) -> PostgresStoreError {
        .access(StoreFailure(kind, location: "database \(url)", operation: operation))
    }
}
