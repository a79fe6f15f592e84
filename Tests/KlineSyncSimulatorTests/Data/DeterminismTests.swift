import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct DeterminismTests {
    @Test(arguments: [Market.usdm, .coinm])
    func onePageOf1500EqualsTwoPagesOf750(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let symbol = sim.universe[0].symbol
            let start = Interval(name: "1h")!.floor(fixedNow - 3000 * 3_600_000)
            let end = start + 1500 * 3_600_000 - 1
            let whole = try await client.klines(
                market, "symbol=\(symbol)&interval=1h&startTime=\(start)&endTime=\(end)&limit=1500"
            ).rows()
            let middle = start + 750 * 3_600_000
            let first = try await client.klines(
                market, "symbol=\(symbol)&interval=1h&startTime=\(start)&endTime=\(middle - 1)&limit=750"
            ).rows()
            let second = try await client.klines(
                market, "symbol=\(symbol)&interval=1h&startTime=\(middle)&endTime=\(end)&limit=750"
            ).rows()
            #expect(whole.count == 1500)
            #expect(try whole.map(bar) == (try first.map(bar) + second.map(bar)))
        }
    }

    @Test func sameSeedServesSameBarsAndAnotherSeedDiffers() async throws {
        let query = "symbol=ETHUSDT&interval=5m&startTime=1700000000000&limit=50"
        let a = try await withSimulator(testConfiguration()) { _, c in try await c.klines(.usdm, query).body }
        let b = try await withSimulator(testConfiguration()) { _, c in try await c.klines(.usdm, query).body }
        let other = try await withSimulator(testConfiguration(seed: 7)) { _, c in try await c.klines(.usdm, query).body
        }
        #expect(a == b)
        #expect(a != other)
    }

    @Test(arguments: [Market.spot, .usdm, .coinm])
    func expectedBarsEqualWhatIsServed(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let symbol = sim.universe[1].symbol
            let rows = try await client.klines(market, "symbol=\(symbol)&interval=15m&limit=300").rows()
            let served = try rows.map(bar)
            let range = TimeRange(start: served[0].openTime, end: fixedNow + 1)
            #expect(
                sim.expectedBars(symbol: symbol, interval: Interval(name: "15m")!, range: range, includeOpen: true)
                    == served)
            #expect(
                sim.expectedBars(symbol: symbol, interval: Interval(name: "15m")!, range: range)
                    == Array(served.dropLast()))
        }
    }

    @Test(arguments: [Market.spot, .usdm, .coinm], ["1s", "1m", "1h", "1d", "1w", "1M"])
    func barsArePlausible(market: Market, intervalName: String) async throws {
        guard let interval = Interval(name: intervalName), market.intervals.contains(interval) else { return }
        try await withSimulator(testConfiguration(market)) { sim, client in
            for instrument in sim.universe.prefix(6) {
                let rows = try await client.klines(
                    market, "symbol=\(instrument.symbol)&interval=\(intervalName)&limit=1000"
                ).rows()
                #expect(!rows.isEmpty)
                var previous: Int64 = .min
                for row in rows {
                    let b = try bar(row)
                    let (o, h, l, c) = (Double(b.open)!, Double(b.high)!, Double(b.low)!, Double(b.close)!)
                    #expect(h >= max(o, c) && l <= min(o, c) && l > 0, "\(instrument.symbol) \(b)")
                    #expect(Double(b.volume)! > 0 && Double(b.quoteVolume)! > 0 && b.trades > 0)
                    #expect(Double(b.takerBuyBaseVolume)! <= Double(b.volume)!)
                    #expect(Double(b.takerBuyQuoteVolume)! <= Double(b.quoteVolume)!)
                    #expect(b.openTime > previous && interval.isAligned(b.openTime))
                    #expect(b.closeTime == interval.closeTime(ofBarOpeningAt: b.openTime))
                    let decimals = b.open.split(separator: ".").last?.count ?? 0
                    #expect(
                        decimals == (market == .spot ? 8 : instrument.pricePrecision) || instrument.pricePrecision == 0)
                    previous = b.openTime
                }
            }
        }
    }

    @Test func stillOpenBarChangesUntilItCloses() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            let query = "symbol=BTCUSDT&interval=1h&limit=3"
            let before = try await client.klines(.usdm, query).rows().map(bar)
            #expect(before[2].openTime <= fixedNow && before[2].closeTime > fixedNow)
            #expect(before[1].closeTime < fixedNow)
            sim.advance(by: 10 * 60_000)
            let later = try await client.klines(.usdm, query).rows().map(bar)
            #expect(later[0] == before[0] && later[1] == before[1])
            #expect(later[2].openTime == before[2].openTime)
            #expect(later[2] != before[2])
            #expect(Double(later[2].volume)! > Double(before[2].volume)!)
            // Once closed, the bar is final and the next one is open.
            sim.setNow(before[2].closeTime + 1 + 5_000)
            let closed = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1h&limit=2").rows().map(bar)
            sim.advance(by: 20 * 60_000)
            let again = try await client.klines(
                .usdm, "symbol=BTCUSDT&interval=1h&startTime=\(before[2].openTime)&limit=1"
            ).rows().map(bar)
            #expect(closed[0] == again[0])
            #expect(closed[0].openTime == before[2].openTime)
        }
    }

    @Test(arguments: [Market.spot, .usdm, .coinm], ["1h", "1d", "1M"])
    func corePagingReassemblesTheExpectedBars(market: Market, intervalName: String) async throws {
        let interval = try #require(Interval(name: intervalName))
        try await withSimulator(testConfiguration(market)) { sim, client in
            let symbol = sim.universe[0].symbol
            let span: Int64 = intervalName == "1h" ? 3000 * 3_600_000 : intervalName == "1d" ? 1400 * 86_400_000 : 0
            let start = intervalName == "1M" ? Timestamp.parse("2021-01-01")! : interval.floor(fixedNow - span)
            let range = TimeRange(start: start, end: interval.floor(fixedNow))
            var fetched: [Bar] = []
            for page in Paging.pages(market: market, interval: interval, range: range) {
                let query =
                    "symbol=\(symbol)&interval=\(intervalName)&startTime=\(page.startTime)"
                    + "&endTime=\(page.endTime)&limit=\(page.limit)"
                let answer = try await client.klines(market, query)
                #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
                fetched += try answer.rows().map(bar)
            }
            #expect(!fetched.isEmpty)
            #expect(fetched == sim.expectedBars(symbol: symbol, interval: interval, range: range))
        }
    }
}
