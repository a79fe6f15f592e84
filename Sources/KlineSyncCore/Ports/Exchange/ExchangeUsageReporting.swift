/// An optional capability of an `Exchange`: what its traffic cost since it was created, for the report.
///
/// Test for it with `exchange as? any ExchangeUsageReporting`; without it the report has no pacing section and
/// counts no 429s or bans.
public protocol ExchangeUsageReporting: Sendable {
    /// The counts so far.
    func usage() async -> ExchangeUsage
}

/// What an exchange client's traffic cost: rate-limit answers and the weight budget minute by minute.
public struct ExchangeUsage: Sendable, Hashable {
    /// HTTP 429 answers received.
    public var rateLimited: Int
    /// HTTP 418 answers received.
    public var bans: Int
    /// The budget and its minutes; nil when no request was sent.
    public var pacing: Report.Pacing?
    /// When the last ban (HTTP 418) ends, in server ms; nil when there was none. Nothing may be sent before then.
    public var bannedUntil: Int64?

    public init(rateLimited: Int = 0, bans: Int = 0, pacing: Report.Pacing? = nil, bannedUntil: Int64? = nil) {
        self.rateLimited = rateLimited
        self.bans = bans
        self.pacing = pacing
        self.bannedUntil = bannedUntil
    }
}
