import KlineSyncCore
import Logging
import Testing

@testable import KlineSyncBinance

/// One IP's weight accounting as the exchange keeps it: fixed minutes, the running total in every answer, and what
/// would have been answered 429 (over the limit).
final class SimulatedIP {
    let limit: Int
    private(set) var minute: Int64 = 0
    private(set) var used = 0
    private(set) var overLimit = 0
    /// Weight counted per minute.
    private(set) var perMinute: [Int64: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// Counts a request of `weight` at `millis` and returns the `X-MBX-USED-WEIGHT-1M` it would carry.
    func send(weight: Int, at millis: Int64) -> Int {
        let current = millis / 60_000
        if current != minute {
            minute = current
            used = 0
        }
        used += weight
        perMinute[current, default: 0] += weight
        if used > limit { overLimit += 1 }
        return used
    }
}

/// Pacing beside other clients on the same IP, on a manual clock: the exchange's header is the IP's running total;
/// what others spent is spent (not a rate until it grows), and cooperating klinesync clients share the limit.
@Suite struct SharedIPPacingTests {
    let clock = ManualClock()

    /// A limiter created now, its server clock agreeing with the simulated IP's (the test's clock, in ms).
    func limiter(budget: Int, limit: Int?) async -> RateLimiter {
        let limiter = RateLimiter(
            budget: budget, concurrency: 1000, requestDelay: .zero, clock: ClientClock(clock), epochMillis: millis,
            logger: Logger(label: "test"))
        if let limit { await limiter.setExchangeLimit(limit) }
        return limiter
    }

    var millis: Int64 { clock.now.offset.millis }

    /// Sends requests of `weight` through `limiter` while it lets them go at once, at most `count`; returns how many.
    @discardableResult
    func sendWhileFree(_ limiter: RateLimiter, ip: SimulatedIP, weight: Int, count: Int = .max) async -> Int {
        var sent = 0
        while sent < count, let ticket = await limiter.tryAcquire(weight: weight) {
            await limiter.complete(ticket, usedWeight: ip.send(weight: weight, at: millis))
            sent += 1
        }
        return sent
    }

    @Test func weightOfAProcessThatEndedThisMinuteDoesNotStallTheNextOne() async throws {
        // The first apply used 800 of 2400 and ended 20 s into the minute; the next one (budget 1200) starts at once.
        let ip = SimulatedIP(limit: 2400)
        clock.advance(by: .seconds(20))
        _ = ip.send(weight: 800, at: millis)
        let limiter = await limiter(budget: 1200, limit: 2400)
        let sent = await sendWhileFree(limiter, ip: ip, weight: 5)
        #expect(sent == 240, "the whole budget is free beside 800 spent: \(sent * 5) sent")
        #expect(ip.overLimit == 0)
        // The next minute starts with no rate carried over from a weight that never grew.
        clock.advance(by: .seconds(40))
        #expect(await sendWhileFree(limiter, ip: ip, weight: 5) == 240)
        #expect(await limiter.statistics.waits == 0)
    }

    @Test func aBudgetAsLargeAsTheLimitUsesAllTheRoomADeadProcessLeft() async throws {
        let ip = SimulatedIP(limit: 2400)
        clock.advance(by: .seconds(10))
        _ = ip.send(weight: 800, at: millis)
        let limiter = await limiter(budget: 2400, limit: 2400)
        var ours = 0
        // Until the others' weight is seen not to grow (5 s of samples), half the limit is ours at least …
        ours += await sendWhileFree(limiter, ip: ip, weight: 5, count: 1) * 5
        for _ in 0..<60 {
            clock.advance(by: .milliseconds(100))
            ours += await sendWhileFree(limiter, ip: ip, weight: 5, count: 2) * 5
        }
        #expect(ours >= 605)
        // … then everything up to the limit, less a small guard.
        ours += await sendWhileFree(limiter, ip: ip, weight: 5) * 5
        #expect(ours >= 1500 && ours + 800 <= 2400, "ours \(ours)")
        #expect(ip.overLimit == 0)
    }

    @Test(arguments: [0, 300, 600, 1200])
    func aSteadyOtherClientKeepsItsShareAndOursTheRest(otherPerMinute: Int) async throws {
        let ip = SimulatedIP(limit: 2400)
        let limiter = await limiter(budget: 1200, limit: 2400)
        var ours: [Int64: Int] = [:]
        // Three minutes in 100 ms steps: the other client sends its share evenly, ours whatever the limiter allows.
        for step in 0..<1800 {
            let minute = millis / 60_000
            let other = otherPerMinute * (step % 600 + 1) / 600 - otherPerMinute * (step % 600) / 600
            if other > 0 { _ = ip.send(weight: other, at: millis) }
            ours[minute, default: 0] += await sendWhileFree(limiter, ip: ip, weight: 2) * 2
            clock.advance(by: .milliseconds(100))
        }
        #expect(ip.overLimit == 0)
        for minute in Int64(0)..<3 {
            let mine = ours[minute, default: 0]
            let room = min(1200, 2400 - otherPerMinute)
            #expect(mine <= room && Double(mine) >= 0.9 * Double(room), "minute \(minute): ours \(mine) of \(room)")
        }
    }

    @Test(arguments: [(1200, 1200), (2400, 2400), (2400, 1200)])
    func twoCooperatingClientsTogetherUseMostOfTheLimitWithoutExceedingIt(budgets: (Int, Int)) async throws {
        let ip = SimulatedIP(limit: 2400)
        clock.advance(by: .seconds(7))
        let first = await limiter(budget: budgets.0, limit: 2400)
        let second = await limiter(budget: budgets.1, limit: 2400)
        var sent = (0, 0)
        // Each sends in turns of up to 8 requests every 50 ms, for three minutes.
        for _ in 0..<3600 {
            sent.0 += await sendWhileFree(first, ip: ip, weight: 5, count: 8) * 5
            sent.1 += await sendWhileFree(second, ip: ip, weight: 5, count: 8) * 5
            clock.advance(by: .milliseconds(50))
        }
        #expect(ip.overLimit == 0, "over the limit \(ip.overLimit) times: \(ip.perMinute)")
        // Every whole minute (1 and 2; minute 0 began 7 s before the clients) is nearly all used.
        for minute in Int64(1)...2 {
            let used = ip.perMinute[minute, default: 0]
            #expect(used >= 2160 && used <= 2400, "minute \(minute) used \(used)")
        }
        // Neither starves.
        #expect(sent.0 >= 2000 && sent.1 >= 2000, "sent \(sent)")
    }
}
