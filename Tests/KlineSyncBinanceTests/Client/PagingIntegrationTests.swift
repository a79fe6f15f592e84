import KlineSyncCore
import Testing

@testable import KlineSyncBinance

/// Paging over a real loopback server: exact windows, request counts and weight on all three markets.
@Suite struct PagingIntegrationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var market: Market
        var interval: String
        var start: Int64
        var bars: Int64
        var expectedRequests: Int
        var expectedWeight: Int
        var testDescription: String { "\(market) \(interval) \(bars) bars" }
    }

    static let cases: [Case] = [
        // spot: 1000-bar pages, weight 2 each
        Case(
            market: .spot, interval: "1m", start: Harness.day(2024, 1, 1), bars: 2500, expectedRequests: 3,
            expectedWeight: 6),
        Case(
            market: .spot, interval: "1w", start: Harness.day(2018, 1, 1), bars: 300, expectedRequests: 1,
            expectedWeight: 2),
        Case(
            market: .spot, interval: "1M", start: Harness.day(2018, 1, 1), bars: 66, expectedRequests: 1,
            expectedWeight: 2),
        // USD-M: 499-bar pages weight 2; a tail under 100 weighs 1
        Case(
            market: .usdm, interval: "1h", start: Harness.day(2023, 3, 1), bars: 1100, expectedRequests: 3,
            expectedWeight: 6),
        Case(
            market: .usdm, interval: "1m", start: Harness.day(2024, 2, 1), bars: 548, expectedRequests: 2,
            expectedWeight: 3),
        Case(
            market: .usdm, interval: "1w", start: Harness.day(2018, 1, 1), bars: 300, expectedRequests: 1,
            expectedWeight: 2),
        Case(
            market: .usdm, interval: "1M", start: Harness.day(2018, 1, 1), bars: 66, expectedRequests: 1,
            expectedWeight: 1),
        // COIN-M: windows within 200 days
        Case(
            market: .coinm, interval: "1d", start: Harness.day(2022, 1, 1), bars: 450, expectedRequests: 3,
            expectedWeight: 5),
        Case(
            market: .coinm, interval: "1w", start: Harness.day(2018, 1, 1), bars: 300, expectedRequests: 11,
            expectedWeight: 11),
        Case(
            market: .coinm, interval: "1M", start: Harness.day(2018, 1, 1), bars: 66, expectedRequests: 11,
            expectedWeight: 11),
        Case(
            market: .coinm, interval: "4h", start: Harness.day(2023, 6, 1), bars: 1300, expectedRequests: 3,
            expectedWeight: 6),
    ]

    @Test(arguments: cases)
    func pagesExactlyAsPlanned(_ c: Case) async throws {
        let interval = try #require(Interval(name: c.interval))
        let range = TimeRange(start: c.start, end: interval.advance(c.start, by: c.bars))
        let planned = Paging.pages(market: c.market, interval: interval, range: range)
        #expect(planned.count == c.expectedRequests)
        #expect(planned.reduce(0) { $0 + $1.weight } == c.expectedWeight)
        let symbol = c.market == .coinm ? "BTCUSD_PERP" : "BTCUSDT"
        let config = ScriptedBinanceServer.Configuration(market: c.market, symbols: [symbol: 1_300_000_000_000])
        try await Harness.run(config) { server, client in
            let horizon = try await client.serverTime()
            let fetch = try await client.fetchBars(symbol: symbol, interval: interval, range: range, horizon: horizon)
            #expect(fetch.requests == c.expectedRequests)
            #expect(fetch.weight == c.expectedWeight)
            #expect(fetch.retries == 0 && fetch.listingFloor == nil)
            #expect(fetch.bars.count == Int(c.bars))
            var expected = c.start
            for bar in fetch.bars {
                #expect(bar.openTime == expected)
                expected = interval.next(expected)
            }
            let sent = server.klineRequests.map {
                "\($0.query["startTime"]!)-\($0.query["endTime"]!)-\($0.query["limit"]!)"
            }
            #expect(Set(sent) == Set(planned.map { "\($0.startTime)-\($0.endTime)-\($0.limit)" }))
            #expect(server.klineRequests.allSatisfy { $0.status == 200 && $0.query["interval"] == c.interval })
            #expect(server.klineRequests.reduce(0) { $0 + $1.weight } == c.expectedWeight)
            let stats = await client.stats()
            #expect(stats.requests == c.expectedRequests + 1 && stats.weight == c.expectedWeight + 1)
        }
    }

    @Test func reportsTheListingFloorAndDropsTheOpenBar() async throws {
        let hour = try #require(Interval(name: "1h"))
        let listing = Harness.day(2024, 5, 20) + 5 * 3_600_000
        let config = ScriptedBinanceServer.Configuration(market: .usdm, symbols: ["NEWUSDT": listing])
        try await Harness.run(config) { server, client in
            let now = try await client.serverTime()
            let range = TimeRange(start: Harness.day(2024, 4, 1), end: hour.next(hour.floor(now)))
            let fetch = try await client.fetchBars(symbol: "NEWUSDT", interval: hour, range: range, horizon: now)
            #expect(fetch.listingFloor == listing)
            #expect(fetch.bars.first?.openTime == listing)
            #expect(fetch.bars.last.map { $0.closeTime < now } == true)
            #expect(fetch.bars.last?.openTime == hour.previous(hour.floor(now)))
            // The empty first page, then the pages from the listing (the first found by a probe), not the empty pages
            // before the listing one by one.
            let listed = TimeRange(start: listing, end: range.end)
            #expect(fetch.requests == 1 + Paging.pages(market: .usdm, interval: hour, range: listed).count)
            #expect(server.statusCounts[200] == fetch.requests + 1)
        }
    }

    @Test func reusesConnections() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .usdm)
        try await Harness.run(config, pacing: ClientPacing(weightPerMinute: 2400, concurrency: 4)) { server, client in
            let minute = try #require(Interval(name: "1m"))
            for index in 0..<10 {
                let from = Harness.day(2024, 1, 1) + Int64(index) * 86_400_000
                let range = TimeRange(start: from, end: from + 86_400_000)  // 1440 bars: 3 pages
                _ = try await client.fetchBars(symbol: "BTCUSDT", interval: minute, range: range, horizon: .max)
            }
            #expect(server.klineRequests.count == 30)
            #expect(server.connectionCount <= 4)
        }
    }

    @Test func failsAnUnknownSymbolAtOnceWithTheExchangesCode() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .spot)
        try await Harness.run(config) { server, client in
            let day = try #require(Interval(name: "1d"))
            let range = TimeRange(start: Harness.day(2023, 1, 1), end: Harness.day(2024, 1, 1))
            await #expect(
                throws: ExchangeError.rejected(
                    status: 400, code: -1121, message: "Invalid symbol.", path: "/api/v3/klines")
            ) {
                try await client.fetchBars(symbol: "NOPEUSDT", interval: day, range: range, horizon: .max)
            }
            #expect(server.klineRequests.count == 1)
            await #expect(throws: ExchangeError.self) {
                try await client.fetchBars(symbol: "BTC&USDT", interval: day, range: range, horizon: .max)
            }
            #expect(server.klineRequests.count == 1)
        }
    }

    @Test func readsExchangeInfoAndCapsTheBudgetAtTheAdvertisedLimit() async throws {
        var config = ScriptedBinanceServer.Configuration(market: .coinm, symbols: ["BTCUSD_PERP": 0])
        config.weightLimit = 600
        try await Harness.run(config, pacing: ClientPacing(weightPerMinute: 5000, concurrency: 4)) { _, client in
            let info = try await client.exchangeInfo()
            #expect(info.weightLimitPerMinute == 600)
            #expect(info.instruments.map(\.symbol) == ["BTCUSD_PERP", "OLDUSDT"])
            #expect(info.instruments.map(\.status) == [.trading, .delisted])
            let stats = await client.stats()
            #expect(stats.budget == 600)
            #expect(stats.lastReportedWeight == 1)  // read from a lower-case x-mbx-used-weight-1m
        }
    }
}
