import Testing

@testable import KlineSyncCore

/// The lag's input: the close of the last stored bar of every series the manifest keeps fresh.
struct SeriesClosesTests {
    @Test func closesCoverSelectedSymbolsAndOpenWindowsOnly() throws {
        let manifest = try Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:/tmp/x.sqlite
                symbols: { exclude: ["CCC*"] }
                intervals:
                  1m: { bars: 10 }
                  1h: { since: 2024-01-01, until: 2024-02-01 }
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
        func instrument(_ symbol: String, _ status: Instrument.Status = .trading) -> Instrument {
            Instrument(
                symbol: symbol, status: status, rawStatus: "TRADING", contractType: "PERPETUAL", baseAsset: "X",
                quoteAsset: "USDT")
        }
        let minute = Interval(name: "1m")!
        let t = Timestamp.parse("2024-06-10T12:33:00Z")!
        let closes = SeriesCloses.closes(
            manifest,
            instruments: [
                instrument("AAAUSDT"), instrument("BBBUSDT"), instrument("CCCUSDT"),
                instrument("DDDUSDT", .delisted),
            ],
            summaries: [
                SeriesSummary(
                    key: SeriesKey(market: .usdm, symbol: "AAAUSDT", interval: minute), firstOpenTime: t - 60_000,
                    lastOpenTime: t, barCount: 2),
                SeriesSummary(
                    key: SeriesKey(market: .usdm, symbol: "AAAUSDT", interval: Interval(name: "1h")!),
                    firstOpenTime: t, lastOpenTime: t, barCount: 1),
            ])
        #expect(
            closes == [
                SeriesLagKey(symbol: "AAAUSDT", interval: "1m"): Int64?(t + 60_000),
                SeriesLagKey(symbol: "BBBUSDT", interval: "1m"): Int64?.none,
            ])
    }
}
