/// A database access that failed, in the shape every store shares: where (the database as messages name it), what
/// was being done, and what went wrong.
///
/// `SQLiteStoreError` and `PostgresStoreError` carry it (their `.access` case) for the failures both backends have;
/// their other cases are the backend's own (opening a file, reaching a server).
public struct StoreFailure: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// A write was attempted on a store opened read-only.
        case readOnly
        /// The store was used after `close()`.
        case closed
        /// A write was refused before anything of it was kept (a `WriteRefusal`), for example a malformed decimal.
        case invalidWrite(reason: String)
        /// A stored row cannot be read back as a domain value (an unknown interval name, for example).
        case corruptRow(reason: String)
        /// The database failed.
        case database(reason: String)
    }

    /// What went wrong.
    public var kind: Kind
    /// The database as messages name it: `database at PATH` (SQLite) or `database URL` (PostgreSQL, password
    /// redacted).
    public var location: String
    /// What was being done, as a verb phrase: "write usdm BTCUSDT", "read the lineage id".
    public var operation: String

    /// A failure of `kind` while doing `operation` on the database at `location`.
    public init(_ kind: Kind, location: String, operation: String) {
        self.kind = kind
        self.location = location
        self.operation = operation
    }

    /// The message a person reads: what failed, where and why.
    public var description: String {
        switch kind {
        case .readOnly: "cannot \(operation): \(location) is open read-only"
        case .closed: "cannot \(operation): \(location) is closed"
        case .invalidWrite(let reason): "cannot \(operation) in \(location): \(reason); nothing of it was written"
        case .corruptRow(let reason): "cannot \(operation) from \(location): \(reason)"
        case .database(let reason): "cannot \(operation) in \(location): \(reason)"
        }
    }
}
