import KlineSyncCore

/// Deterministic synthetic bars for benchmarks: hourly USD-M bars with realistic-looking decimal strings.
enum SyntheticBars {
    /// 2024-01-01T00:00:00Z.
    static let start: Int64 = 1_704_067_200_000

    /// `total` bars split into series of `perSeries` bars, one `SymbolWrite` per symbol.
    static func writes(total: Int, perSeries: Int) -> [SymbolWrite] {
        let interval = Interval(name: "1h")!
        let length = interval.fixedMillis!
        var writes: [SymbolWrite] = []
        var remaining = total
        var index = 0
        while remaining > 0 {
            let count = min(perSeries, remaining)
            let symbol = "SYM\(index)USDT"
            let key = SeriesKey(market: .usdm, symbol: symbol, interval: interval)
            var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
            let bars = (0..<count).map { i -> Bar in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let base = 1000 + Int(state >> 54)
                let cents = Int(state >> 32 & 0xFFFF) % 100
                let openTime = start + Int64(i) * length
                func price(_ offset: Int) -> String { "\(base + offset).\(cents < 10 ? "0" : "")\(cents)000000" }
                return Bar(
                    openTime: openTime, open: price(0), high: price(5), low: price(-5), close: price(1),
                    volume: "\(Int(state >> 40 & 0xFFFF)).123", closeTime: openTime + length - 1,
                    quoteVolume: "\(Int(state >> 20 & 0xFFFFF)).45678", trades: Int64(state >> 48),
                    takerBuyBaseVolume: "\(Int(state >> 44 & 0xFFF)).5",
                    takerBuyQuoteVolume: "\(Int(state >> 36 & 0xFFFF)).25")
            }
            writes.append(SymbolWrite(market: .usdm, symbol: symbol, series: [SeriesWrite(key: key, bars: bars)]))
            remaining -= count
            index += 1
        }
        return writes
    }
}
