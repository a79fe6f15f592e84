/// What the agent needs from its host for each cycle: an exchange and a database for a manifest, and somewhere to
/// put the cycle's report. The CLI implements it with the Binance client, the stores and report files; tests with
/// fakes.
public protocol AgentEnvironment: Sendable {
    /// The exchange and database of one cycle of `manifest`. Called before every cycle, so a reloaded manifest's
    /// new endpoint or database is used at once; `AgentConnection.close` is called when the cycle is done.
    func connect(_ manifest: Manifest) async throws -> AgentConnection

    /// Keeps a finished cycle's report (a file, say) and drops the oldest beyond `keep`. Not called for `--once`
    /// runs by the agent; the caller reports those as `apply` does.
    func cycleFinished(_ result: ApplyResult, manifest: Manifest, keep: Int) async
}

/// The exchange and database one cycle runs against.
public struct AgentConnection: Sendable {
    /// The exchange for this cycle; its counters (`ResponseCounting`, `ExchangeUsageReporting`) feed the metrics.
    public var exchange: any Exchange
    /// The database.
    public var database: any StoreConnector
    /// The archive (DESIGN §8), nil without one.
    public var archive: (any ArchiveSource)?
    /// Where requests go, for messages.
    public var endpoint: String
    /// Releases what the cycle used (the exchange client).
    public var close: @Sendable () async -> Void

    /// A connection; `close` runs after the cycle.
    public init(
        exchange: any Exchange, database: any StoreConnector, archive: (any ArchiveSource)? = nil, endpoint: String,
        close: @escaping @Sendable () async -> Void = {}
    ) {
        self.exchange = exchange
        self.database = database
        self.archive = archive
        self.endpoint = endpoint
        self.close = close
    }
}
