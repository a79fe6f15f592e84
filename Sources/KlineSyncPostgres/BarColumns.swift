import KlineSyncCore

/// A chunk of bars as column arrays, ready to bind to `unnest`.
struct BarColumns {
    var openTime: [Int64] = []
    var open: [String] = []
    var high: [String] = []
    var low: [String] = []
    var close: [String] = []
    var volume: [String] = []
    var closeTime: [Int64] = []
    var quoteVolume: [String] = []
    var trades: [Int64] = []
    var takerBuyBase: [String] = []
    var takerBuyQuote: [String] = []

    init(_ bars: ArraySlice<Bar>) {
        for keyPath in [\BarColumns.openTime, \.closeTime, \.trades] {
            self[keyPath: keyPath].reserveCapacity(bars.count)
        }
        for keyPath in [
            \BarColumns.open, \.high, \.low, \.close, \.volume, \.quoteVolume, \.takerBuyBase,
            \.takerBuyQuote,
        ] {
            self[keyPath: keyPath].reserveCapacity(bars.count)
        }
        for bar in bars {
            openTime.append(bar.openTime)
            open.append(bar.open)
            high.append(bar.high)
            low.append(bar.low)
            close.append(bar.close)
            volume.append(bar.volume)
            closeTime.append(bar.closeTime)
            quoteVolume.append(bar.quoteVolume)
            trades.append(bar.trades)
            takerBuyBase.append(bar.takerBuyBaseVolume)
            takerBuyQuote.append(bar.takerBuyQuoteVolume)
        }
    }
}
