import Foundation
import Testing

@testable import KlineSyncCore

/// Series are (market, symbol, dataset, interval): the planner plans each listed dataset, index prices once per pair
/// under the pair's name, force selectors may name datasets, and plans say the dataset only when it is not klines.
@Suite struct DatasetPlannerTests {
    static let now = Timestamp.parse("2024-06-10T12:34:56Z")!

    static func manifest(_ extra: String = "") -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:k.sqlite
                intervals: { 1h: { bars: 24 } }
                datasets: [klines, mark_price, index_price]
                \(extra)
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    static func instrument(_ symbol: String, pair: String, contract: String = "PERPETUAL") -> Instrument {
        Instrument(
            symbol: symbol, status: .trading, rawStatus: "TRADING", contractType: contract, baseAsset: "X",
            quoteAsset: "USDT", pair: pair)
    }

    static let info = ExchangeInfo(
        instruments: [
            instrument("BTCUSDT_250328", pair: "BTCUSDT", contract: "CURRENT_QUARTER"),
            instrument("BTCUSDT", pair: "BTCUSDT"), instrument("ETHUSDT", pair: "ETHUSDT"),
        ], weightLimitPerMinute: 2400)

    static func plan(_ manifest: Manifest, force: [ForceSelector] = []) -> Plan {
        Planner.plan(
            Planner.Input(manifest: manifest, exchangeInfo: info, serverTime: now, snapshot: .empty, force: force))
    }

    @Test func plansEveryDatasetAndIndexPricesOncePerPair() {
        let plan = Self.plan(Self.manifest())
        let names = plan.series.map { "\($0.symbol) \($0.interval.name) \($0.seriesDataset)" }
        #expect(
            names == [
                "BTCUSDT 1h klines", "BTCUSDT 1h mark_price", "BTCUSDT 1h index_price", "BTCUSDT_250328 1h klines",
                "BTCUSDT_250328 1h mark_price", "ETHUSDT 1h klines", "ETHUSDT 1h mark_price", "ETHUSDT 1h index_price",
            ])
        #expect(Set(plan.series.map { $0.key(market: .usdm) }).count == plan.series.count)
        #expect(plan.totals.count(.create) == 8)
    }

    @Test func forceSelectorsAndRulesMayNameADataset() throws {
        let selector = try #require(ForceSelector(parsing: "BTCUSDT:1h:mark_price"))
        #expect(ForceSelector(parsing: "BTCUSDT:*:index_price")?.dataset == .indexPrice)
        #expect(ForceSelector(parsing: "BTCUSDT:1h:mark") == nil)
        #expect(ForceSelector(parsing: "BTCUSDT:1h:mark_price:x") == nil)
        #expect(selector.covers(symbol: "BTCUSDT", interval: Interval(name: "1h")!, dataset: .markPrice))
        #expect(!selector.covers(symbol: "BTCUSDT", interval: Interval(name: "1h")!, dataset: .klines))
        let rule = try #require(
            Self.manifest("force: [{ symbols: [ETHUSDT], datasets: [index_price], range: all }]").force.first)
        #expect(rule.covers(symbol: "ETHUSDT", interval: Interval(name: "1h")!, dataset: .indexPrice))
        #expect(!rule.covers(symbol: "ETHUSDT", interval: Interval(name: "1h")!, dataset: .markPrice))
    }

    @Test func plansNameTheDatasetOnlyWhenItIsNotKlines() throws {
        let plan = Self.plan(Self.manifest())
        let json = try JSONCoding.string(plan)
        let decoded = try JSONCoding.decoder().decode(Plan.self, from: Data(json.utf8))
        #expect(decoded.series.map(\.dataset) == plan.series.map(\.dataset))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let series = object["series"] as! [[String: Any]]
        #expect(series.filter { $0["dataset"] == nil }.count == 3)
        #expect(series.compactMap { $0["dataset"] as? String }.sorted().first == "index_price")
        let text = plan.render(.init(maxLinesPerGroup: nil))
        #expect(text.contains("BTCUSDT        1h mark_price "), "\(text)")
    }

    @Test func seriesOfEachDatasetAreAppliedApartAndConverge() async throws {
        let exchange = FakeExchange(now: Self.now, listings: ["BTCUSDT": 0, "ETHUSDT": 0])
        let store = InMemoryStore()
        let manifest = Self.manifest()
        let info = try await exchange.exchangeInfo()
        let plan = Planner.plan(
            Planner.Input(manifest: manifest, exchangeInfo: info, serverTime: Self.now, snapshot: .empty))
        let report = await Executor(exchange: exchange, store: store).execute(
            plan, options: .init(runID: "d", concurrency: 2))
        #expect(report.status == .ok)
        let keys = try await store.summaries(market: .usdm).map(\.key)
        #expect(keys.count == 6)
        #expect(Set(keys.map(\.dataset)) == [.klines, .markPrice, .indexPrice])
        #expect(report.symbols.flatMap(\.series).compactMap(\.dataset).count == 4)
        let again = Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: info, serverTime: Self.now,
                snapshot: try await StoreSnapshot.load(from: store, market: .usdm)))
        #expect(!again.hasChanges)
    }
}
