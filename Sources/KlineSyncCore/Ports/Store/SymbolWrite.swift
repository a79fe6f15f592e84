/// Everything one symbol's sync writes, applied by a store in one transaction.
public struct SymbolWrite: Sendable {
    public var market: Market
    public var symbol: String
    /// The instrument row to upsert, if known.
    public var instrument: Instrument?
    public var series: [SeriesWrite]

    public init(market: Market, symbol: String, instrument: Instrument? = nil, series: [SeriesWrite]) {
        self.market = market
        self.symbol = symbol
        self.instrument = instrument
        self.series = series
    }
}
