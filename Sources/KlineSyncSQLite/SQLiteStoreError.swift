import Foundation
import GRDB
import KlineSyncCore

/// Errors of the SQLite store, each with the database path and what was being done.
public enum SQLiteStoreError: Error, CustomStringConvertible, LocalizedError, Sendable {
    /// Opening the file failed: not a database, unreadable, locked …
    case cannotOpen(path: String, reason: String)
    /// The folder that should hold the database could not be created.
    case cannotCreateDirectory(path: String, directory: String, reason: String)
    /// A read-only open found no file (read-only opens never create one).
    case missing(path: String)
    /// The file is an SQLite database, but not one klinesync made.
    case foreignDatabase(path: String)
    /// The database was written by a newer klinesync whose schema this build does not know.
    case newerSchema(path: String, found: Int, known: Int)
    /// A read-only open found an older schema that only a writable open can upgrade.
    case outdatedSchema(path: String, found: Int, known: Int)
    /// A failure every store shares: read-only, closed, a refused write, a corrupt row, a failing database.
    case access(StoreFailure)

    /// The message a person reads: what failed, where, and what to do when there is something to do.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open database at \(path): \(reason)"
        case .cannotCreateDirectory(let path, let directory, let reason):
            "cannot create directory \(directory) for database \(path): \(reason)"
        case .missing(let path):
            "no database at \(path); run `klinesync apply` first"
        case .foreignDatabase(let path):
            "cannot open database at \(path): it is an SQLite database that klinesync did not create "
                + "(no klinesync meta table); point the manifest's `database` at another file"
        case .newerSchema(let path, let found, let known):
            "cannot open database at \(path): its schema version \(found) is newer than this klinesync knows "
                + "(\(known)); upgrade klinesync"
        case .outdatedSchema(let path, let found, let known):
            "cannot read database at \(path): its schema version \(found) is older than \(known); "
                + "run `klinesync apply` to upgrade it"
        case .access(let failure):
            failure.description
        }
    }

    /// Same as `description`, for `LocalizedError` consumers such as ArgumentParser.
    public var errorDescription: String? { description }

    /// The reason text of any error thrown by GRDB or SQLite, without GRDB's "SQLite error N:" prefix.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_BUSY {
                return "the database is locked by another writer (another `klinesync apply`?); "
                    + "try again when it has finished"
            }
            return error.message ?? error.resultCode.description
        }
        return String(describing: error)
    }

    /// A failure of the database at `path`: `StoreFailure` with the location as SQLite messages name it.
    static func failure(_ kind: StoreFailure.Kind, path: String, operation: String) -> SQLiteStoreError {
        .access(StoreFailure(kind, location: "database at \(path)", operation: operation))
    }

    /// Maps any error thrown inside a database access: a `SQLiteStoreError` or a caller's error (`CallerError`)
    /// unchanged, a `WriteRefusal` as `.invalidWrite`, anything else as `.database`, with the operation named.
    static func wrap(_ error: any Error, path: String, operation: String) -> any Error {
        if let error = error as? SQLiteStoreError { return error }
        if let caller = error as? CallerError { return caller.error }
        if let refusal = error as? WriteRefusal {
            return failure(.invalidWrite(reason: refusal.reason), path: path, operation: operation)
        }
        return failure(.database(reason: reason(error)), path: path, operation: operation)
    }
}
