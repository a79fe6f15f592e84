/// How long a `PostgresStore` waits for the server before it gives up with an error.
///
/// Every database access is bounded: a dead or unreachable server ends each access in at most about `idle` (and
/// at once when its connection closes), never in a hang.
public struct PostgresTimeouts: Sendable, Hashable {
    /// Connecting to the server (TCP), per connection; logging in may take as long again.
    public var connect: Duration
    /// An access with no progress for this long fails: a statement without an answer, a transaction that stalls,
    /// a wait for a pooled connection while the server is busy.
    public var idle: Duration
    /// While an access waits for a pooled connection, how often to check that the server can be reached (a
    /// failed check ends the wait with the reason, such as "connection refused").
    public var healthInterval: Duration
    /// After an access met an outage, the probe of the server that every later access waits for (connect and
    /// `SELECT 1`); when it fails, the access fails at once.
    public var probe: Duration
    /// Checking and migrating the schema when the store opens (another process may be migrating it).
    public var migration: Duration
    /// `close()`: releasing the locks and closing the connections.
    public var close: Duration

    /// The defaults: connect 10 s, idle 30 s, health check every 2 s, probe 5 s, migration 5 min, close 5 s.
    public init(
        connect: Duration = .seconds(10), idle: Duration = .seconds(30), healthInterval: Duration = .seconds(2),
        probe: Duration = .seconds(5), migration: Duration = .seconds(300), close: Duration = .seconds(5)
    ) {
        self.connect = connect
        self.idle = idle
        self.healthInterval = healthInterval
        self.probe = probe
        self.migration = migration
        self.close = close
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in seconds, for messages.
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
