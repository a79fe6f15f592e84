import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Mark-price, index-price and premium-index klines: same rules as klines, consistent with trade klines.
@Suite struct DatasetTests {
    static let hour = Interval(name: "1h")!
    /// Three days of hours before `fixedNow`.
    static let window = TimeRange(start: hour.floor(fixedNow) - 72 * 3_600_000, end: hour.floor(fixedNow))
    static let derived: [Dataset] = [.markPrice, .indexPrice, .premiumIndex]

    /// The perpetual and the pair of `market`'s major.
    static func perpetual(_ market: Market) -> (symbol: String, pair: String) {
        market == .coinm ? ("BTCUSD_PERP", "BTCUSD") : ("BTCUSDT", "BTCUSDT")
    }

    @Test(arguments: [Market.usdm, .coinm], derived)
    func rowsAreDeterministicOnTheGridWithZeroVolumes(market: Market, dataset: Dataset) async throws {
        let key = dataset.keyedByPair ? Self.perpetual(market).pair : Self.perpetual(market).symbol
        let query = "interval=1h&startTime=\(Self.window.start)&endTime=\(Self.window.end - 1)&limit=1000"
        let first = try await withSimulator(testConfiguration(market)) { sim, client in
            let answer = try await client.klines(market, dataset, key: key, query)
            #expect(answer.status == 200)
            #expect(answer.header("x-mbx-used-weight-1m") == "5")
            let rows = try answer.rows()
            #expect(rows.count == 72)
            for (i, row) in rows.enumerated() {
                #expect(row.count == 12)
                let open = try #require((row[0] as? NSNumber)?.int64Value)
                #expect(open == Self.window.start + Int64(i) * 3_600_000)
                #expect((row[6] as? NSNumber)?.int64Value == open + 3_599_999)
                for index in [5, 7, 9, 10, 11] { #expect(row[index] as? String == "0") }
                #expect((row[8] as? NSNumber)?.int64Value == (dataset == .premiumIndex ? 720 : 3600))
                let b = try bar(row)
                let (o, h, l, c) = try (decimal(b.open), decimal(b.high), decimal(b.low), decimal(b.close))
                #expect(h >= max(o, c) && l <= min(o, c), "\(row)")
                #expect(b.close.split(separator: ".").last?.count == 8)
            }
            let bars = try rows.map(bar)
            #expect(bars == sim.expectedBars(dataset: dataset, key: key, interval: Self.hour, range: Self.window))
            return answer.body
        }
        let again = try await withSimulator(testConfiguration(market)) { _, client in
            try await client.klines(market, dataset, key: key, query).body
        }
        #expect(first == again)
    }

    @Test(arguments: [Market.usdm, .coinm])
    func markStaysNearTheTradeCloseAndPremiumNearZero(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            var signs: Set<Bool> = []
            for instrument in sim.universe where !instrument.isDelisted {
                let trades = try await client.restBars(market, instrument.symbol, Self.hour, Self.window)
                let mark = try await client.restBars(market, .markPrice, key: instrument.symbol, Self.hour, Self.window)
                let premium = try await client.restBars(
                    market, .premiumIndex, key: instrument.symbol, Self.hour, Self.window)
                #expect(mark.map(\.openTime) == trades.map(\.openTime))
                #expect(premium.map(\.openTime) == trades.map(\.openTime))
                for (m, t) in zip(mark, trades) {
                    #expect(abs(try decimal(m.close) / decimal(t.close) - 1) < 0.001, "\(instrument.symbol)")
                }
                for p in premium {
                    for value in [p.open, p.high, p.low, p.close] { #expect(abs(try decimal(value)) < 0.001) }
                    signs.insert(try decimal(p.close) > 0)
                }
            }
            #expect(signs == [true, false], "the premium runs around zero")
        }
    }

    @Test(arguments: [Market.usdm, .coinm])
    func indexIsOneSeriesPerPairNearThePerpetual(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let (perpetual, pair) = Self.perpetual(market)
            let symbols = sim.universe.filter { $0.pair == pair }.map(\.symbol)
            #expect(symbols.count == 3, "the perpetual and two quarterlies")
            let index = try await client.restBars(market, .indexPrice, key: pair, Self.hour, Self.window)
            #expect(index.count == 72)
            for symbol in symbols {
                let instrument = try #require(sim.universe.first { $0.symbol == symbol })
                // Every symbol of the pair names the same index series: the one its `pair` keys.
                #expect(
                    try await client.restBars(market, .indexPrice, key: instrument.pair, Self.hour, Self.window)
                        == index)
            }
            let trades = try await client.restBars(market, perpetual, Self.hour, Self.window)
            for (i, t) in zip(index, trades) { #expect(abs(try decimal(i.close) / decimal(t.close) - 1) < 0.001) }
            // A symbol is not a pair on COIN-M; the parameter is `pair`.
            if market == .coinm {
                let wrong = try await client.klines(market, .indexPrice, key: perpetual, "interval=1h")
                #expect(wrong.status == 400)
                #expect((try wrong.json() as? [String: Any])?["code"] as? Int == -1121)
            }
            let missing = try await client.get(market.pathPrefix + "/indexPriceKlines?symbol=\(perpetual)&interval=1h")
            let body = try #require(try missing.json() as? [String: Any])
            #expect(missing.status == 400 && body["code"] as? Int == -1102)
            #expect((body["msg"] as? String)?.contains("'pair'") == true)
        }
    }

    @Test(arguments: derived)
    func validationAndTheOpenBarFollowKlines(dataset: Dataset) async throws {
        try await withSimulator(testConfiguration(.usdm)) { sim, client in
            for (query, code) in [
                ("interval=7m", -1120), ("interval=1h&limit=1501", -1130), ("interval=1h&limit=x", -1100),
                ("interval=1h&startTime=2&endTime=1", -1023),
            ] {
                let answer = try await client.klines(.usdm, dataset, key: "BTCUSDT", query)
                #expect(answer.status == 400)
                #expect((try answer.json() as? [String: Any])?["code"] as? Int == code, "\(query)")
            }
            let unknown = try await client.klines(.usdm, dataset, key: "NOPEUSDT", "interval=1h")
            #expect((try unknown.json() as? [String: Any])?["code"] as? Int == -1121)
            let latest = try await client.klines(.usdm, dataset, key: "BTCUSDT", "interval=1h&limit=3").rows()
            #expect(latest.count == 3)
            let open = try bar(latest[2])
            #expect(open.openTime == Self.hour.floor(fixedNow) && open.closeTime > fixedNow)
            #expect(open.trades == (fixedNow - open.openTime) / (dataset == .premiumIndex ? 5000 : 1000))
            let range = TimeRange(start: open.openTime, end: open.openTime + 1)
            #expect(sim.expectedBars(dataset: dataset, key: "BTCUSDT", interval: Self.hour, range: range).isEmpty)
            #expect(
                [open]
                    == sim.expectedBars(
                        dataset: dataset, key: "BTCUSDT", interval: Self.hour, range: range, includeOpen: true))
        }
    }

    @Test func faultsAndOutagesApplyAsForKlines() async throws {
        var configuration = testConfiguration(.usdm)
        configuration.outages = [
            Outage(symbols: "BTCUSDT", range: TimeRange(start: Self.window.start, end: Self.window.start + 7_200_000))
        ]
        try await withSimulator(configuration) { sim, client in
            sim.script(symbol: "BTCUSDT", faults: [.serverError(503)])
            #expect(try await client.klines(.usdm, .markPrice, key: "BTCUSDT", "interval=1h").status == 503)
            for dataset in Self.derived {
                let bars = try await client.restBars(.usdm, dataset, key: "BTCUSDT", Self.hour, Self.window)
                #expect(bars.count == 70 && bars.first?.openTime == Self.window.start + 7_200_000)
            }
        }
    }

    @Test func spotAnswersTheFuturesEndpointsAsUnknownPaths() async throws {
        try await withSimulator(testConfiguration(.spot)) { _, client in
            for name in ["markPriceKlines", "indexPriceKlines", "premiumIndexKlines", "fundingRate", "fundingInfo"] {
                let answer = try await client.get("/api/v3/\(name)?symbol=BTCUSDT&pair=BTCUSDT&interval=1h")
                #expect(answer.status == 404)
                let body = try #require(try answer.json() as? [String: Any])
                #expect(body["code"] as? Int == -5000)
                #expect(body["msg"] as? String == "Path /api/v3/\(name), Method GET is invalid")
            }
            let file = "/data/spot/monthly/markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-2024-02.zip"
            #expect(try await client.get(file).status == 404)
        }
    }
}
