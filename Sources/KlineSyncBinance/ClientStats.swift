/// Counters of one client's traffic since it was created, for progress lines and the report.
public struct ClientStats: Sendable, Hashable {
    /// Requests sent (every attempt counts).
    public var requests = 0
    /// Request weight reserved for those requests.
    public var weight = 0
    /// Retries made after a failed attempt.
    public var retries = 0
    /// HTTP 429 answers received.
    public var rateLimited = 0
    /// HTTP 418 answers received.
    public var bans = 0
    /// When the last ban ends (server ms; two minutes after the 418 when the exchange did not say).
    public var bannedUntil: Int64?
    /// Requests that had to wait for the budget, a free slot, the request delay or a pause.
    public var waits = 0
    /// Total time requests spent waiting for those.
    public var waitTime: Duration = .zero
    /// The current request-weight budget per minute.
    public var budget = 0
    /// The last `X-MBX-USED-WEIGHT-1M` value the exchange reported.
    public var lastReportedWeight: Int?
    /// The highest `X-MBX-USED-WEIGHT-1M` value the exchange reported.
    public var peakReportedWeight = 0

    /// Per server minute (minutes since the epoch, as the exchange counts weight): what was sent in it and how long
    /// requests waited because its budget was spent.
    public var minutes: [Int64: MinuteUsage] = [:]

    public init() {}

    /// One clock minute of the exchange's weight accounting.
    public struct MinuteUsage: Sendable, Hashable {
        /// Weight reserved for requests sent in this minute.
        public var weight = 0
        /// Requests sent in this minute.
        public var requests = 0
        /// Time requests spent waiting because this minute's budget was used up: the minute was rate-bound.
        public var budgetWait: Duration = .zero

        public init() {}
    }
}
