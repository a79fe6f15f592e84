import KlineSyncCore
import KlineSyncSimulator
import Logging
import Testing

@testable import KlineSyncBinance

/// The client against klinesync's own Binance simulator on a real loopback port (the scripted server covers the
/// clock-scaled rate-limit tests; these check paging, data and faults against the full simulator).
@Suite struct SimulatorIntegrationTests {
    static let now = Timestamp.parse("2026-01-05T00:30:00Z")!

    func withClient<T: Sendable>(
        _ market: Market, failRate: Double = 0,
        retry: RetryPolicy = RetryPolicy(
            maxAttempts: 8, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)),
        _ body: (RunningSimulator, BinanceClient) async throws -> T
    ) async throws -> T {
        try await Harness.withSimulator(market, now: Self.now, failRate: failRate, retry: retry, body)
    }

    static let cases: [(Market, String, String)] = [
        (.usdm, "1h", "2025-10-01"), (.usdm, "1w", "2021-01-01"), (.usdm, "1M", "2020-01-01"),
        (.spot, "15m", "2025-12-01"), (.spot, "1M", "2020-01-01"),
        (.coinm, "1d", "2024-01-01"), (.coinm, "1w", "2022-01-01"),
    ]

    @Test(arguments: cases)
    func pagesLongRangesExactlyAsPlanned(market: Market, intervalName: String, since: String) async throws {
        try await withClient(market) { sim, client in
            let interval = try #require(Interval(name: intervalName))
            let symbol = try #require(
                sim.universe.first { $0.status == "TRADING" && $0.listingTime < Timestamp.parse(since)! }?.symbol)
            let range = TimeRange(start: interval.ceil(Timestamp.parse(since)!), end: interval.floor(Self.now))
            let before = sim.counters
            let fetch = try await client.fetchBars(symbol: symbol, interval: interval, range: range, horizon: Self.now)
            let after = sim.counters
            let cost = Paging.cost(market: market, interval: interval, range: range)
            #expect(fetch.bars == sim.expectedBars(symbol: symbol, interval: interval, range: range))
            #expect(fetch.bars.count == Int(interval.count(from: range.start, to: range.end)))
            #expect(fetch.requests == cost.requests && fetch.weight == cost.weight)
            #expect(after.requests - before.requests == cost.requests)
            #expect(after.weightUsed - before.weightUsed == cost.weight)
            #expect(fetch.listingFloor == nil)
        }
    }

    @Test func dropsTheStillOpenBarAndFindsTheListingFloor() async throws {
        try await withClient(.usdm) { sim, client in
            let h1 = Interval(name: "1h")!
            let recent = try #require(
                sim.universe.filter { $0.status == "TRADING" }.max { $0.listingTime < $1.listingTime })
            let range = TimeRange(start: recent.listingTime - 48 * 3_600_000, end: h1.next(h1.floor(Self.now)))
            let fetch = try await client.fetchBars(symbol: recent.symbol, interval: h1, range: range, horizon: Self.now)
            #expect(fetch.listingFloor == h1.ceil(recent.listingTime))
            #expect(fetch.bars.first?.openTime == h1.ceil(recent.listingTime))
            #expect(fetch.bars.allSatisfy { $0.closeTime < Self.now })
            #expect(fetch.bars.last?.openTime == h1.previous(h1.floor(Self.now)))
        }
    }

    @Test func everySeriesCompletesThroughThirtyPercentServerErrors() async throws {
        try await withClient(.usdm, failRate: 0.3) { sim, client in
            let d1 = Interval(name: "1d")!
            let symbols = sim.universe.filter {
                $0.status == "TRADING" && $0.listingTime < Timestamp.parse("2024-01-01")!
            }.prefix(6)
            let range = TimeRange(start: Timestamp.parse("2024-01-01")!, end: d1.floor(Self.now))
            var retries = 0
            for instrument in symbols {
                let fetch = try await client.fetchBars(
                    symbol: instrument.symbol, interval: d1, range: range, horizon: Self.now)
                #expect(fetch.bars == sim.expectedBars(symbol: instrument.symbol, interval: d1, range: range))
                retries += fetch.retries
            }
            #expect(retries > 0)
            #expect(sim.counters.byStatus.keys.contains { $0 >= 500 })
        }
    }

    @Test(arguments: [Fault.truncated, .malformedRow(.missingField), .malformedRow(.nonNumericPrice), .reset])
    func brokenResponsesFailTheSeriesWithNothingReturned(fault: Fault) async throws {
        let retry = RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10))
        try await withClient(.usdm, retry: retry) { sim, client in
            let symbol = sim.universe.first { $0.status == "TRADING" }!.symbol
            sim.script(symbol: symbol, faults: [fault, fault, fault])
            let h1 = Interval(name: "1h")!
            let range = TimeRange(start: h1.floor(Self.now) - 50 * 3_600_000, end: h1.floor(Self.now))
            await #expect(throws: ExchangeError.self) {
                _ = try await client.fetchBars(symbol: symbol, interval: h1, range: range, horizon: Self.now)
            }
            // One broken answer is retried and recovers.
            sim.clearFaults()
            sim.script(symbol: symbol, faults: [fault])
            let fetch = try await client.fetchBars(symbol: symbol, interval: h1, range: range, horizon: Self.now)
            #expect(fetch.bars.count == 50 && fetch.retries == 1)
        }
    }

    @Test func invalidSymbolFailsAtOnceWithTheExchangeCode() async throws {
        try await withClient(.usdm) { _, client in
            let error = await #expect(throws: ExchangeError.self) {
                _ = try await client.fetchBars(
                    symbol: "NOPEUSDT", interval: Interval(name: "1h")!,
                    range: TimeRange(start: 0, end: 3_600_000 * 10),
                    horizon: Self.now)
            }
            #expect(error?.code == "-1121")
        }
    }
}
