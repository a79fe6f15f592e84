import Foundation
import GRDB

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
    /// A write was attempted on a store opened read-only.
    case readOnly(path: String, operation: String)
    /// The store was used after `close()`.
    case closed(path: String, operation: String)
    /// A write was refused before anything of it was kept, for example a bar with a malformed decimal.
    case invalidWrite(path: String, operation: String, reason: String)
    /// A stored row cannot be read back as a domain value (an unknown interval name, for example).
    case corruptRow(path: String, operation: String, reason: String)
    /// SQLite failed while doing `operation`.
    case database(path: String, operation: String, reason: String)

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
        case .readOnly(let path, let operation):
            "cannot \(operation): database at \(path) is open read-only"
        case .closed(let path, let operation):
            "cannot \(operation): database at \(path) is closed"
        case .invalidWrite(let path, let operation, let reason):
            "cannot \(operation) in database at \(path): \(reason); nothing of it was written"
        case .corruptRow(let path, let operation, let reason):
            "cannot \(operation) from database at \(path): \(reason)"
        case .database(let path, let operation, let reason):
            "cannot \(operation) in database at \(path): \(reason)"
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

    /// Maps any error thrown inside a database access: a `SQLiteStoreError` or a caller's error (`CallerError`)
    /// unchanged, a `WriteRefusal` as `.invalidWrite`, anything else as `.database`, with the operation named.
    static func wrap(_ error: any Error, path: String, operation: String) -> any Error {
        if let error = error as? SQLiteStoreError { return error }
        if let caller = error as? CallerError { return caller.error }
        if let refusal = error as? WriteRefusal {
            return SQLiteStoreError.invalidWrite(path: path, operation: operation, reason: refusal.reason)
        }
        return SQLiteStoreError.database(path: path, operation: operation, reason: reason(error))
    }
}

/// A write refused by a check made inside its transaction (which then rolls back); the store reports it as
/// `SQLiteStoreError.invalidWrite` with the path and operation.
struct WriteRefusal: Error {
    let reason: String
}

/// An error thrown by a caller's closure inside a database access (`forEachBatch`'s body), carried out unchanged.
struct CallerError: Error {
    let error: any Error
}
