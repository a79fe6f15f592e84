/// Everything one symbol's sync writes, applied by a store in one transaction.
public struct SymbolWrite: Sendable {
    public var market: Market
    public var symbol: String
    /// The instrument row to upsert, if known.
    public var instrument: Instrument?
    public var series: [SeriesWrite]
    /// The symbol's funding-rate changes, if any; applied after the series, in the same transaction.
    public var funding: FundingWrite?

    public init(
        market: Market, symbol: String, instrument: Instrument? = nil, series: [SeriesWrite],
        funding: FundingWrite? = nil
    ) {
        self.market = market
        self.symbol = symbol
        self.instrument = instrument
        self.series = series
        self.funding = funding
    }
}
