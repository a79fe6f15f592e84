import KlineSyncCore
import Testing

@testable import KlineSyncBinance

/// Weight budget over a real loopback server whose minutes follow the same fast clock as the client (10× for the
/// budget tests, so that scheduling stalls on a loaded machine stay small in scaled time).
@Suite(.serialized) struct PacingIntegrationTests {
    @Test func thirtyTwoInFlightStayWithinA600Budget() async throws {
        var config = ScriptedBinanceServer.Configuration(market: .spot)
        config.weightLimit = 600
        let pacing = ClientPacing(weightPerMinute: 600, concurrency: 32)
        try await Harness.run(config, factor: 10, pacing: pacing) { server, client in
            _ = try await client.serverTime()
            _ = try await client.exchangeInfo()
            let hour = try #require(Interval(name: "1h"))
            let start = Harness.day(2024, 1, 1)
            // 400 one-page fetches of weight 2: 800 + 21 weight, more than one minute's budget.
            let results = await Harness.concurrently(400) { index in
                let from = start + Int64(index) * 3_600_000 * 5
                let range = TimeRange(start: from, end: from + 5 * 3_600_000)
                return try await client.fetchBars(
                    symbol: index % 2 == 0 ? "BTCUSDT" : "ETHUSDT", interval: hour, range: range, horizon: .max
                ).bars.count
            }
            #expect(results.allSatisfy { (try? $0.get()) == 5 })
            #expect(server.statusCounts[429] == nil && server.statusCounts[418] == nil)
            #expect(server.usedPerMinute.values.allSatisfy { $0 <= 600 })
            #expect(server.usedPerMinute.count >= 2)
            #expect(server.peakInFlight <= 32)
            let stats = await client.stats()
            #expect(stats.requests == 402 && stats.weight == 821 && stats.rateLimited == 0)
            #expect(stats.waits > 0 && stats.peakReportedWeight <= 600)
            // The per-minute record (by the minute a request was sent; the server counts by arrival, so a request
            // sent at the very end of a minute may land in the next) adds up, and a minute that ran out of budget
            // was used (nearly) whole.
            #expect(stats.minutes.values.reduce(0) { $0 + $1.weight } == 821)
            #expect(stats.minutes.values.reduce(0) { $0 + $1.requests } == 402)
            #expect(stats.minutes.values.allSatisfy { $0.weight <= 600 })
            // (Whether a minute ran out of budget depends on the machine's load: a slow run spreads the 821 weight
            // over more minutes. RateLimiterTests checks the rate-bound record on a manual clock.)
            for usage in stats.minutes.values where usage.budgetWait > .zero {
                #expect(usage.weight >= 480, "a rate-bound minute uses (nearly) its whole budget: \(usage)")
            }
        }
    }

    @Test func anotherClientOnTheSameIPSlowsOursDownInsteadOfTripping429() async throws {
        var config = ScriptedBinanceServer.Configuration(market: .usdm)
        // 10% above our budget: the other client's weight reaches us only through the headers of our own answers, so
        // on a loaded machine (60x clock) the projection lags by a few scaled seconds. Ours plus the other client's
        // (600 + 300) is still far over the limit, so ours must slow down to avoid 429s.
        config.weightLimit = 660
        config.otherClientWeightPerMinute = 300
        let pacing = ClientPacing(weightPerMinute: 600, concurrency: 32)
        try await Harness.run(config, pacing: pacing) { server, client in
            _ = try await client.serverTime()
            let began = server.now
            let hour = try #require(Interval(name: "1h"))
            let start = Harness.day(2019, 1, 1)
            // 300 fetches of 100 bars (weight 2 each): 600 weight, a full minute's budget on its own.
            let results = await Harness.concurrently(300) { index in
                let from = start + Int64(index) * 3_600_000 * 100
                let range = TimeRange(start: from, end: from + 100 * 3_600_000)
                return try await client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max).bars
                    .count
            }
            #expect(results.allSatisfy { (try? $0.get()) == 100 })
            #expect(server.statusCounts[429] == nil && server.statusCounts[418] == nil)
            // Ours alone never took the whole minute: room was left for the other client.
            #expect(server.usedPerMinute.values.allSatisfy { $0 < 600 })
            #expect(server.now - began >= 60_000)
            let stats = await client.stats()
            #expect(stats.rateLimited == 0 && stats.waits > 0)
            // The exchange counted the other client too: it reported more weight in a minute than ours ever sent in
            // one (not a fixed share of our total: on a loaded machine the run spreads over more minutes).
            let oursPeak = stats.minutes.values.map(\.weight).max() ?? 0
            #expect(stats.peakReportedWeight > oursPeak + 20, "reported \(stats.peakReportedWeight), ours \(oursPeak)")
        }
    }

    @Test func ridesOutA429StormHonouringRetryAfter() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .usdm)
        let pacing = ClientPacing(weightPerMinute: 1200, concurrency: 4)
        let retry = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(200), maxBackoff: .seconds(2))
        try await Harness.run(config, factor: 20, pacing: pacing, retry: retry) { server, client in
            _ = try await client.serverTime()
            server.script(Array(repeating: .tooManyRequests(retryAfter: 3), count: 6))
            let hour = try #require(Interval(name: "1h"))
            let results = await Harness.concurrently(8) { index in
                let from = Harness.day(2020, 1, 1) + Int64(index) * 3_600_000 * 600
                let range = TimeRange(start: from, end: from + 600 * 3_600_000)
                return try await client.fetchBars(symbol: "ETHUSDT", interval: hour, range: range, horizon: .max)
            }
            let fetches = results.compactMap { try? $0.get() }
            #expect(fetches.count == 8 && fetches.allSatisfy { $0.bars.count == 600 })
            #expect(server.statusCounts[429] == 6 && server.statusCounts[418] == nil)
            #expect(server.retryAfterViolations == 0)
            // After each 429, nothing more was sent until Retry-After had passed (bar requests already in flight).
            let log = server.klineRequests
            for rejected in log where rejected.status == 429 {
                let early = log.filter {
                    $0.time > rejected.time + server.violationGrace && $0.time < rejected.time + 3000
                }
                #expect(early.isEmpty)
            }
            let stats = await client.stats()
            #expect(stats.rateLimited == 6 && stats.retries == 6 && stats.bans == 0)
            #expect(fetches.reduce(0) { $0 + $1.retries } == 6)
        }
    }

    @Test func stopsAtOnceOnA418() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .usdm)
        let pacing = ClientPacing(weightPerMinute: 1200, concurrency: 4)
        try await Harness.run(config, factor: 20, pacing: pacing, retry: RetryPolicy(onBan: .stop)) { server, client in
            _ = try await client.serverTime()
            server.script([.ban(seconds: 600)])
            let hour = try #require(Interval(name: "1h"))
            let range = TimeRange(start: Harness.day(2023, 1, 1), end: Harness.day(2023, 6, 1))
            let results = await Harness.concurrently(8) { _ in
                try await client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max)
            }
            for result in results {
                guard case .failure(let error) = result, case .banned(let until, _)? = error as? ExchangeError else {
                    Issue.record("expected a ban, got \(result)")
                    continue
                }
                #expect(until != nil)
            }
            let log = server.klineRequests
            let banAt = try #require(log.first { $0.status == 418 }?.time)
            #expect(log.filter { $0.time > banAt }.count <= 3)  // only requests already in flight
            // A later call sends nothing at all.
            let sent = await client.stats().requests
            await #expect(throws: ExchangeError.self) {
                try await client.fetchBars(symbol: "BTCUSDT", interval: hour, range: range, horizon: .max)
            }
            let stats = await client.stats()
            #expect(stats.requests == sent && stats.bans >= 1)
        }
    }

    @Test func waitsOutA418WhenTold() async throws {
        let config = ScriptedBinanceServer.Configuration(market: .spot)
        let retry = RetryPolicy(
            maxAttempts: 5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(2), onBan: .wait)
        let pacing = ClientPacing(weightPerMinute: 1200, concurrency: 2)
        try await Harness.run(config, factor: 20, pacing: pacing, retry: retry) { server, client in
            _ = try await client.serverTime()
            server.script([.ban(seconds: 30)])
            let day = try #require(Interval(name: "1d"))
            let range = TimeRange(start: Harness.day(2020, 1, 1), end: Harness.day(2024, 1, 1))
            let fetch = try await client.fetchBars(symbol: "BTCUSDT", interval: day, range: range, horizon: .max)
            #expect(fetch.bars.count == 1461 && fetch.retries >= 1)
            let log = server.klineRequests
            let banAt = try #require(log.first { $0.status == 418 }?.time)
            #expect(log.filter { $0.time > banAt + server.violationGrace && $0.time < banAt + 30_000 }.isEmpty)
        }
    }
}
