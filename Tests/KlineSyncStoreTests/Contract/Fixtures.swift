import KlineSyncCore

/// Small builders for bars, keys and writes.
enum Fixtures {
    static let hour = Interval(name: "1h")!
    static let week = Interval(name: "1w")!
    static let month = Interval(name: "1M")!
    /// 2024-01-01T00:00:00Z, a Monday and the first of a month.
    static let start: Int64 = 1_704_067_200_000

    static func key(_ symbol: String = "BTCUSDT", _ interval: Interval = hour, market: Market = .usdm) -> SeriesKey {
        SeriesKey(market: market, symbol: symbol, interval: interval)
    }

    /// A bar of `interval` opening at `openTime`; `close` varies the content.
    static func bar(_ openTime: Int64, _ interval: Interval = hour, close: String = "42000.10000000", trades: Int64 = 7)
        -> Bar
    {
        Bar(
            openTime: openTime, open: "42000.00000000", high: "42100.50000000", low: "41900.00000000", close: close,
            volume: "12.34500000", closeTime: interval.closeTime(ofBarOpeningAt: openTime),
            quoteVolume: "518400.12345678", trades: trades, takerBuyBaseVolume: "6.00000000",
            takerBuyQuoteVolume: "252000.00000000")
    }

    /// `count` consecutive bars of `interval` from `from`, skipping the indexes in `missing`.
    static func bars(_ count: Int, _ interval: Interval = hour, from: Int64 = start, missing: Set<Int> = [])
        -> [Bar]
    {
        var bars: [Bar] = []
        var openTime = from
        for index in 0..<count {
            if !missing.contains(index) { bars.append(bar(openTime, interval, close: "\(42000 + index).5")) }
            openTime = interval.next(openTime)
        }
        return bars
    }

    /// A write of one series of `key`.
    static func write(_ key: SeriesKey, _ series: SeriesWrite? = nil, bars: [Bar] = [], instrument: Instrument? = nil)
        -> SymbolWrite
    {
        SymbolWrite(
            market: key.market, symbol: key.symbol, instrument: instrument,
            series: [series ?? SeriesWrite(key: key, bars: bars)])
    }

    static func instrument(_ symbol: String = "BTCUSDT", status: Instrument.Status = .trading) -> Instrument {
        Instrument(
            symbol: symbol, status: status, rawStatus: status == .trading ? "TRADING" : "SETTLING",
            contractType: "PERPETUAL", baseAsset: "BTC", quoteAsset: "USDT", marginAsset: "USDT",
            onboardDate: 1_569_398_400_000, deliveryDate: 4_133_404_800_000)
    }
}
