import Foundation
import Testing

@testable import KlineSyncCore

/// Golden files for the human plan rendering. Rewrite them with `KLINESYNC_UPDATE_GOLDEN=1 swift test` after an
/// intended change, and review the diff.
struct PlanRenderingTests {
    /// `Fixtures/golden` of this target (this file is in its `Plan/`).
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")
    static let hour: Int64 = 3_600_000
    static let now = Timestamp.parse("2024-06-10T12:34:56Z")!
    static let end = Timestamp.parse("2024-06-10T12:00:00Z")!

    /// A plan with every kind of action: created, extended, backfilled, repaired, replaced, pruned and retired series.
    static func mixedPlan() -> Plan {
        let manifest = try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:data/k.sqlite
                intervals:
                  1h: { since: 2024-06-01 }
                  4h: { bars: 30 }
                force:
                  - { symbols: [ETHUSDT], intervals: [4h], range: { last: 2 } }
                prune: true
                pacing: { weight_per_minute: 1200 }
                """, file: "m.yaml", absolutePath: "/data/m.yaml", environment: [:])
        let h1 = Interval(name: "1h")!
        let h4 = Interval(name: "4h")!
        func instrument(_ symbol: String) -> Instrument {
            Instrument(
                symbol: symbol, status: .trading, rawStatus: "TRADING", contractType: "PERPETUAL", baseAsset: "X",
                quoteAsset: "USDT")
        }
        func summary(_ symbol: String, _ interval: Interval, _ first: Int64, _ last: Int64, count: Int64? = nil)
            -> SeriesSummary
        {
            SeriesSummary(
                key: SeriesKey(market: .usdm, symbol: symbol, interval: interval), firstOpenTime: first,
                lastOpenTime: last, barCount: count ?? interval.count(from: first, to: interval.next(last)))
        }
        let june = Timestamp.parse("2024-06-01")!
        let stored = [
            summary("BTCUSDT", h1, june, end - 4 * hour),
            summary("BTCUSDT", h4, end - 30 * 4 * hour, end - 4 * hour),
            summary("ETHUSDT", h1, june + 48 * hour, end - hour),
            summary("ETHUSDT", h4, end - 60 * 4 * hour, end - 4 * hour),
            summary("SOLUSDT", h1, june, end - hour, count: 200),
            summary("SOLUSDT", h4, end - 30 * 4 * hour, end - 4 * hour),
            summary("OLDUSDT", h4, end - 100 * 4 * hour, end - 50 * 4 * hour),
        ]
        let solGap = TimeRange(start: june + 100 * hour, end: june + 100 * hour + 9 * hour)
        let snapshot = StoreSnapshot(
            lineageID: "lineage-1", summaries: Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0) }),
            gaps: [SeriesKey(market: .usdm, symbol: "SOLUSDT", interval: h1): [solGap]])
        let info = ExchangeInfo(
            instruments: ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"].map(instrument), weightLimitPerMinute: 2400)
        return Planner.plan(Planner.Input(manifest: manifest, exchangeInfo: info, serverTime: now, snapshot: snapshot))
    }

    func check(_ text: String, against name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["KLINESYNC_UPDATE_GOLDEN"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "rendering differs from \(name); rerun with KLINESYNC_UPDATE_GOLDEN=1 if intended")
    }

    @Test func rendersEveryActionKind() throws {
        try check(Self.mixedPlan().render(), against: "mixed-plan.txt")
    }

    @Test func collapsesLongGroups() throws {
        try check(
            Self.mixedPlan().render(Plan.RenderOptions(color: false, maxLinesPerGroup: 1)),
            against: "mixed-plan-collapsed.txt")
    }

    @Test func coloursOnlyWhenAsked() {
        #expect(!Self.mixedPlan().render().contains("\u{1B}["))
        #expect(Self.mixedPlan().render(Plan.RenderOptions(color: true)).contains("\u{1B}[32m+\u{1B}[0m"))
    }

    @Test func jsonRoundTripsAndCarriesFormatVersion() throws {
        let plan = Self.mixedPlan()
        let text = try JSONCoding.string(plan)
        #expect(text.contains("\"format_version\" : \"1\""))
        #expect(text.contains("\"lineage_id\" : \"lineage-1\""))
        let decoded = try JSONCoding.decoder().decode(Plan.self, from: Data(text.utf8))
        #expect(decoded == plan)
        try check(text, against: "mixed-plan.json")
    }
}
