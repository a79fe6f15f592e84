import KlineSyncCore

/// One instrument of the simulated universe, with the facts the exchange shows and the ones it hides.
public struct SimulatedInstrument: Sendable, Hashable {
    /// Symbol name, such as `BTCUSDT`, `BTCUSD_PERP` or `BTCUSDT_260327`.
    public var symbol: String
    /// Pair (futures) or symbol (spot).
    public var pair: String
    /// Base asset (`BTC`).
    public var baseAsset: String
    /// Quote asset (`USDT`, `USDC`, `BTC`; COIN-M `USD`).
    public var quoteAsset: String
    /// Margin asset on futures; nil on spot.
    public var marginAsset: String?
    /// `PERPETUAL`, `CURRENT_QUARTER`, `NEXT_QUARTER` on futures; nil on spot.
    public var contractType: String?
    /// Binance's status word: `TRADING`, spot `BREAK`, futures `SETTLING`.
    public var status: String
    /// Time of the first trade: the first bar of every interval is the one containing it.
    public var listingTime: Int64
    /// End of trading (delisting or delivery) when it is in the past; no bar opens at or after it.
    public var delistingTime: Int64?
    /// `onboardDate` as exchangeInfo shows it on futures (the listing day's midnight: not the first bar).
    public var onboardDate: Int64
    /// `deliveryDate` on futures: the delivery or delisting time, or the far-future placeholder.
    public var deliveryDate: Int64
    /// Decimals of prices (the tick is `10^-pricePrecision`).
    public var pricePrecision: Int
    /// Decimals of quantities (volumes on USD-M).
    public var quantityPrecision: Int
    /// COIN-M contract size in USD (100 for BTC, 10 otherwise); nil elsewhere.
    public var contractSize: Int?
    /// Typical price level the random walk wanders around.
    var basePrice: Double
    /// Typical traded quote value per minute.
    var quotePerMinute: Double

    /// Whether the instrument stopped trading for good.
    public var isDelisted: Bool { delistingTime != nil }

    /// The instrument as klinesync's core models it, normalised the way a client should parse exchangeInfo.
    public var instrument: Instrument {
        let normalised: Instrument.Status = status == "TRADING" ? .trading : (isDelisted ? .delisted : .notTrading)
        return Instrument(
            symbol: symbol, status: normalised, rawStatus: status, contractType: contractType, baseAsset: baseAsset,
            quoteAsset: quoteAsset, marginAsset: marginAsset, onboardDate: contractType == nil ? nil : onboardDate,
            deliveryDate: contractType == nil ? nil : deliveryDate)
    }

    /// The range in which bars can open: from the bar containing the listing to the delisting (exclusive).
    func tradingRange(interval: Interval, now: Int64) -> TimeRange {
        let start = interval.floor(listingTime)
        let end = min(delistingTime ?? Int64.max, now + 1)
        return TimeRange(start: start, end: end)
    }
}
