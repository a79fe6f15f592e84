/// What a store holds of one symbol's funding history, from maintained counters (no scan of the events).
public struct FundingSummary: Sendable, Hashable, Codable {
    /// The market of the symbol.
    public var market: Market
    /// The symbol, such as `BTCUSDT`.
    public var symbol: String
    /// How many funding events are stored.
    public var count: Int64
    /// The first stored funding time (ms); nil when none is stored.
    public var firstFundingTime: Int64?
    /// The last stored funding time (ms); nil when none is stored.
    public var lastFundingTime: Int64?
    /// Funding times known complete (every event in it is stored), as `FundingWrite.checked` recorded them; nil
    /// when none was recorded. The planner extends and backfills from it, since funding times are not on a grid.
    public var checked: TimeRange?

    /// A summary of `count` events of `symbol` on `market` from `first` to `last`, complete over `checked`.
    public init(
        market: Market, symbol: String, count: Int64, firstFundingTime: Int64?, lastFundingTime: Int64?,
        checked: TimeRange? = nil
    ) {
        self.market = market
        self.symbol = symbol
        self.count = count
        self.firstFundingTime = firstFundingTime
        self.lastFundingTime = lastFundingTime
        self.checked = checked
    }
}
