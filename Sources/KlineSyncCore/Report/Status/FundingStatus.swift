/// One symbol's stored funding history, as `klinesync status` shows it.
public struct FundingStatus: Codable, Sendable, Hashable {
    public var market: Market
    public var symbol: String
    /// Stored funding events.
    public var events: Int64
    /// First and last funding time (ms), and in RFC 3339; nil when none is stored.
    public var firstFundingTime: Int64?
    public var first: String?
    public var lastFundingTime: Int64?
    public var last: String?
    /// Funding times known complete `[from, until)` in RFC 3339; nil when none was recorded.
    public var checkedFrom: String?
    public var checkedUntil: String?
    /// SHA-256 digest of the events (`FundingRate.canonicalText` lines).
    public var digest: String

    /// The status of `summary` with its events' digest.
    public init(_ summary: FundingSummary, digest: String) {
        market = summary.market
        symbol = summary.symbol
        events = summary.count
        firstFundingTime = summary.firstFundingTime
        first = summary.firstFundingTime.map(Timestamp.format)
        lastFundingTime = summary.lastFundingTime
        last = summary.lastFundingTime.map(Timestamp.format)
        checkedFrom = summary.checked.map { Timestamp.format($0.start) }
        checkedUntil = summary.checked.map { Timestamp.format($0.end) }
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case market, symbol, events
        case firstFundingTime = "first_funding_time"
        case first
        case lastFundingTime = "last_funding_time"
        case last
        case checkedFrom = "checked_from"
        case checkedUntil = "checked_until"
        case digest
    }
}
