import AsyncHTTPClient
import KlineSyncCore
import Testing

@testable import KlineSyncBinance

/// Server errors, broken bodies and unreachable hosts over a real loopback server.
@Suite struct FaultIntegrationTests {
    let hour = Interval(name: "1h")!
    let retry = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(100), maxBackoff: .seconds(2))

    @Test func completesEverySeriesThrough30PercentServerErrors() async throws {
        var config = ScriptedBinanceServer.Configuration(market: .usdm)
        config.serverErrorRate = 0.3
        let pacing = ClientPacing(weightPerMinute: 2400, concurrency: 8)
        try await Harness.run(config, pacing: pacing, retry: retry) { server, client in
            _ = try await client.serverTime()
            let results = await Harness.concurrently(20) { index in
                let from = Harness.day(2021, 1, 1) + Int64(index) * 3_600_000 * 1200
                let range = TimeRange(start: from, end: from + 1200 * 3_600_000)
                return try await client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max)
            }
            let fetches = results.compactMap { try? $0.get() }
            #expect(fetches.count == 20)
            #expect(fetches.allSatisfy { $0.bars.count == 1200 && $0.requests == 3 + $0.retries })
            let failures = (server.statusCounts[500] ?? 0) + (server.statusCounts[503] ?? 0)
            #expect(failures > 5)
            #expect(fetches.reduce(0) { $0 + $1.retries } == failures)
            #expect(await client.stats().retries == failures)
        }
    }

    @Test(arguments: [
        ScriptedBinanceServer.Fault.truncated, .malformedRow, .offGrid,
    ])
    func failsTheSeriesAndReturnsNothingOnABrokenBody(_ fault: ScriptedBinanceServer.Fault) async throws {
        let config = ScriptedBinanceServer.Configuration(market: .spot)
        let retry = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        try await Harness.run(config, retry: retry) { server, client in
            server.script(Array(repeating: fault, count: 9), symbol: "BTCUSDT")  // 3 pages × 3 attempts
            let range = TimeRange(start: Harness.day(2023, 1, 1), end: Harness.day(2023, 5, 1))
            async let broken = client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max)
            async let fine = client.fetchBars(symbol: "ETHUSDT", interval: hour, range: range, horizon: .max)
            do {
                let fetch = try await broken
                Issue.record("expected an error, got \(fetch.bars.count) bars")
            } catch let error as ExchangeError {
                guard case .exhausted(3, .invalidResponse(let message, "/api/v3/klines")) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(message.hasPrefix("BTCUSDT 1h: "))
            }
            #expect(try await fine.bars.count == 2880)
        }
    }

    @Test func retriesABrokenBodyOnceAndRecovers() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .usdm)
        try await Harness.run(config, retry: retry) { server, client in
            server.script([.truncated])
            let range = TimeRange(start: Harness.day(2023, 1, 1), end: Harness.day(2023, 1, 11))
            let fetch = try await client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max)
            #expect(fetch.bars.count == 240 && fetch.retries == 1 && fetch.requests == 2)
        }
    }

    @Test func failsAfterMaxAttemptsWhenTheHostIsUnreachable() async throws {
        // The exchange answers once, then its port has nothing listening (the server of a finished test). A refused
        // very first request fails at once instead (ConnectionFailureTests).
        let clock = ScaledClock(factor: 60)
        // A borrowed HTTP client with a short connect timeout (AsyncHTTPClient retries refused connects until then).
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(300))
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let client = try await ScriptedBinanceServer(.init(market: .spot), clock: clock).run { url in
            let client = BinanceClient(
                market: .spot, baseURL: url, retry: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100)),
                httpClient: http, clock: clock, logger: Harness.quiet)
            _ = try await client.serverTime()
            return client
        }
        await #expect {
            try await client.serverTime()
        } throws: { error in
            guard case .exhausted(3, .transport(_, "/api/v3/time"))? = error as? ExchangeError else { return false }
            return true
        }
        #expect(await client.stats().retries == 2)
        try await client.shutdown()
        try await http.shutdown()
    }

    @Test func reportsA5xxAfterMaxAttempts() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .usdm)
        let retry = RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(100))
        try await Harness.run(config, retry: retry) { server, client in
            server.script([.status(503, body: "Service Unavailable."), .status(502, body: "Bad Gateway")])
            let range = TimeRange(start: Harness.day(2023, 1, 1), end: Harness.day(2023, 1, 2))
            await #expect(
                throws: ExchangeError.exhausted(
                    attempts: 2, last: .server(status: 502, message: "Bad Gateway", path: "/fapi/v1/klines"))
            ) {
                try await client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max)
            }
        }
    }
}
