import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct RateLimitTests {
    @Test func everyResponseCarriesTheRunningWeightOfTheMinute() async throws {
        try await withSimulator(minuteAligned(testConfiguration(.usdm, weightLimit: nil))) { sim, client in
            var expected = 0
            for (query, weight) in [
                ("limit=50", 1), ("limit=100", 2), ("limit=500", 5), ("limit=1000", 5), ("limit=1001", 10), ("", 5),
            ] {
                let answer = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&" + query)
                expected += weight
                #expect(answer.header("X-MBX-USED-WEIGHT-1M") == String(expected))
            }
            expected += 1
            #expect(try await client.get("/fapi/v1/time").header("x-mbx-used-weight-1m") == String(expected))
            expected += 1
            #expect(try await client.get("/fapi/v1/exchangeInfo").header("x-mbx-used-weight-1m") == String(expected))
            #expect(sim.usedWeight == expected)
            // A new clock minute starts from zero.
            sim.advance(by: 60_000)
            #expect(try await client.get("/fapi/v1/ping").header("x-mbx-used-weight-1m") == "1")
            #expect(sim.counters.weightUsed == expected + 1)
        }
    }

    @Test func spotWeighsKlinesTwoAndExchangeInfoTwenty() async throws {
        try await withSimulator(minuteAligned(testConfiguration(.spot, weightLimit: nil))) { _, client in
            let klines = try await client.klines(.spot, "symbol=BTCUSDT&interval=1m&limit=1000")
            let info = try await client.get("/api/v3/exchangeInfo")
            #expect(klines.header("x-mbx-used-weight-1m") == "2")
            #expect(info.header("x-mbx-used-weight-1m") == "22")
        }
    }

    @Test func pastTheLimitComes429ThenA418BanThatExpires() async throws {
        var configuration = testConfiguration(.usdm, weightLimit: 20)
        configuration.banDurationMillis = 30_000
        configuration.requestsBeforeBan = 2
        configuration.clock = .fixed(fixedNow - fixedNow % 60_000 + 10_000)  // 10 s into a minute
        // Time runs on a clock that only the test moves (`sim.advance`): no real minute can roll over mid-test.
        configuration.ticks = ElapsedClock(now: { .zero }, sleep: { _ in })
        try await withSimulator(configuration) { sim, client in
            // The fixed clock's rate-limit time ticks on in real time; under load the steps below can take seconds.
            let started = Date()
            for _ in 0..<4 {
                #expect(try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=500").status == 200)
            }
            let limited = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=500")
            #expect(limited.status == 429)
            // Retry-After: the seconds left in the clock minute (the fixed clock ticks on in real time).
            let elapsed = Int(Date().timeIntervalSince(started).rounded(.up))
            // `started` is taken after the simulator set its clock; allow for a slow start, too.
            #expect((45 - elapsed - 5...50).contains(Int(limited.header("retry-after") ?? "") ?? 0))
            #expect(limited.header("x-mbx-used-weight-1m") == "25")
            let body = try #require(try limited.json() as? [String: Any])
            #expect(body["code"] as? Int == -1003)
            #expect((body["msg"] as? String)?.contains("request weight is 20 per 1 MINUTE") == true)
            #expect(try await client.get("/fapi/v1/ping").status == 429)
            let banned = try await client.get("/fapi/v1/ping")
            #expect(banned.status == 418)
            let message = try #require((try banned.json() as? [String: Any])?["msg"] as? String)
            #expect(message.hasPrefix("Way too many requests; IP(127.0.0.1) banned until "))
            #expect(message.hasSuffix(". Please use WebSocket Streams for live updates to avoid bans."))
            let until = try #require(Int64(message.split(separator: " ")[7].dropLast()))
            let elapsedMillis = Int64(Date().timeIntervalSince(started) * 1000) + 10_000
            #expect((sim.now + 30_000...sim.now + 30_000 + elapsedMillis).contains(until))
            #expect((20...30).contains(Int(banned.header("retry-after") ?? "") ?? 0))
            // Still banned on a new minute, until the ban ends.
            sim.advance(by: 2_000)
            #expect(try await client.get("/fapi/v1/time").status == 418)
            sim.advance(by: 60_000)
            let free = try await client.get("/fapi/v1/time")
            #expect(free.status == 200)
            #expect(free.header("x-mbx-used-weight-1m") == "1")
            let counters = sim.counters
            #expect(counters[200] == 5 && counters[429] == 2 && counters[418] == 2)
        }
    }

    @Test func weightIsSharedByAllClients() async throws {
        try await withSimulator(minuteAligned(testConfiguration(.usdm, weightLimit: 100))) { sim, client in
            let other = SimClient(baseURL: sim.baseURL)
            _ = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=1000")
            let answer = try await other.klines(.usdm, "symbol=ETHUSDT&interval=1m&limit=1000")
            try await other.shutdown()
            #expect(answer.header("x-mbx-used-weight-1m") == "10")
        }
    }
}

/// The configuration with its fixed clock moved to the start of that minute, so that the rate-limit minute (which
/// ticks on in real time from the fixed instant) cannot roll over during a test.
func minuteAligned(_ configuration: SimulatorConfiguration) -> SimulatorConfiguration {
    var configuration = configuration
    if case .fixed(let t) = configuration.clock { configuration.clock = .fixed(t - t % 60_000) }
    return configuration
}
