import KlineSyncCore
import KlineSyncSimulator
import Testing

@testable import KlineSyncBinance

/// A range that starts long before a symbol's listing, against the simulator on a real loopback port: the client
/// finds the first bar instead of fetching the empty pages before it one by one.
@Suite struct ListingDiscoveryTests {
    static let now = Timestamp.parse("2026-01-05T00:30:00Z")!
    static let minute = Interval(name: "1m")!

    func withClient<T: Sendable>(
        _ market: Market, _ body: (RunningSimulator, BinanceClient) async throws -> T
    ) async throws -> T {
        try await Harness.withSimulator(market, now: Self.now, body)
    }

    /// A symbol listed a few days before the simulator's now.
    func recentListing(_ sim: RunningSimulator) throws -> SimulatedInstrument {
        try #require(
            sim.universe.first {
                $0.status == "TRADING" && $0.listingTime > Self.now - 10 * 86_400_000
                    && $0.listingTime < Self.now - 86_400_000
            })
    }

    @Test(arguments: [Market.usdm, .spot, .coinm])
    func aRangeFromLongBeforeTheListingCostsAboutTheListedBarsPages(market: Market) async throws {
        try await withClient(market) { sim, client in
            let instrument = try recentListing(sim)
            // 1m over 300 days: 864 pages of 499 (432 of 1000 on spot) if the empty ones were fetched.
            let end = Self.minute.floor(Self.now)
            let range = TimeRange(start: end - 300 * 86_400_000, end: end)
            let before = sim.counters.requests
            let fetch = try await client.fetchBars(
                symbol: instrument.symbol, interval: Self.minute, range: range, horizon: Self.now)
            let expected = sim.expectedBars(symbol: instrument.symbol, interval: Self.minute, range: range)
            #expect(!expected.isEmpty && fetch.bars == expected)
            #expect(fetch.listingFloor == expected.first?.openTime)
            let listed = Paging.pages(
                market: market, interval: Self.minute,
                range: TimeRange(start: expected[0].openTime, end: end)
            ).count
            // Spot and USD-M: the first page, then a probe that finds the first bar. COIN-M: the first page, two daily
            // probes of 200 days, and at most a day of 1m pages before the listing.
            let allowed = market == .coinm ? listed + 3 + 3 : listed + 1
            #expect(fetch.requests <= allowed, "\(fetch.requests) requests; \(listed) pages from the listing")
            #expect(sim.counters.requests - before == fetch.requests)
        }
    }

    @Test(arguments: [Market.usdm, .spot])
    func aRangeWhollyBeforeTheListingCostsTwoRequests(market: Market) async throws {
        try await withClient(market) { sim, client in
            let instrument = try recentListing(sim)
            let end = Self.minute.floor(instrument.listingTime) - 86_400_000
            let range = TimeRange(start: end - 200 * 86_400_000, end: end)
            let before = sim.counters.requests
            let fetch = try await client.fetchBars(
                symbol: instrument.symbol, interval: Self.minute, range: range, horizon: Self.now)
            #expect(fetch.bars.isEmpty && fetch.listingFloor == nil)
            // The first page, empty, and one probe of the rest of the range.
            #expect(fetch.requests == 2 && sim.counters.requests - before == 2)
        }
    }

    @Test func aRangeThatStartsOnTheFirstBarCostsNoExtraRequest() async throws {
        try await withClient(.usdm) { sim, client in
            let instrument = try recentListing(sim)
            let start = Self.minute.ceil(instrument.listingTime)
            let range = TimeRange(start: start, end: start + 2000 * 60_000)
            let fetch = try await client.fetchBars(
                symbol: instrument.symbol, interval: Self.minute, range: range, horizon: Self.now)
            #expect(fetch.bars == sim.expectedBars(symbol: instrument.symbol, interval: Self.minute, range: range))
            #expect(fetch.requests == Paging.pages(market: .usdm, interval: Self.minute, range: range).count)
        }
    }
}
