/// Opens the `Store` of one database location: how `Sync` reaches a backend without knowing which one it is.
///
/// A backend that allows one writer at a time (SQLite) takes its writer lock in `openForWriting` and holds it until
/// the store is closed; a backend that several agents share (PostgreSQL) takes per-symbol locks instead
/// (`SymbolLocking`) and has nothing to take here.
public protocol StoreConnector: Sendable {
    /// The database this connector opens.
    var location: DatabaseLocation { get }

    /// Whether the database may already exist: an SQLite file that is there; a server is assumed to be (an empty
    /// one is told apart by `openForReading`). Creates nothing.
    func mayExist() -> Bool

    /// Opens the database read-only; nil when there is none yet (no SQLite file, or a PostgreSQL database without
    /// klinesync tables). Creates nothing.
    func openForReading() async throws -> (any Store)?

    /// Opens the database for writing, creating it (file or tables) when there is none, once the backend's writer
    /// lock is held. `onWait` is called once, with a description of the holder when known, if the lock is busy;
    /// the call waits up to `lockTimeout` seconds for it, then throws a `StoreLockBusy`.
    func openForWriting(lockTimeout: Double, onWait: @escaping @Sendable (String?) -> Void) async throws -> any Store
}

/// Another writer holds the database's writer lock and did not let go in time.
public protocol StoreLockBusy: Error {}
