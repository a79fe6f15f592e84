import KlineSyncCore
import Logging
import Testing

@testable import KlineSyncBinance

/// Pacing unit tests on a manual clock: nothing here sleeps for real.
@Suite struct RateLimiterTests {
    let clock = ManualClock()

    func limiter(budget: Int, concurrency: Int = 100, delay: Duration = .zero, epoch: Int64 = 0) -> RateLimiter {
        RateLimiter(
            budget: budget, concurrency: concurrency, requestDelay: delay, clock: ClientClock(clock),
            epochMillis: epoch, logger: Logger(label: "test"))
    }

    /// Acquires and completes one request at once.
    func send(_ limiter: RateLimiter, weight: Int, used: Int? = nil) async throws {
        let ticket = try await limiter.acquire(weight: weight)
        await limiter.complete(ticket, usedWeight: used)
    }

    @Test func waitsForTheNextMinuteWhenTheBudgetIsSpent() async throws {
        let limiter = limiter(budget: 10)
        for _ in 0..<5 { try await send(limiter, weight: 2) }
        let waiting = Task { try await limiter.acquire(weight: 2) }
        try await clock.waitForSleepers(1)
        clock.advance(by: .seconds(59))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        let ticket = try await waiting.value
        #expect(ticket.minute == 1 && ticket.reservedAt == .seconds(60))
        let stats = await limiter.statistics
        #expect(stats.requests == 6 && stats.weight == 12 && stats.waits == 1 && stats.waitTime == .seconds(60))
        // Minute 0 spent its budget and made a request wait: rate-bound. Minute 1 did not.
        #expect(stats.minutes[0]?.weight == 10 && stats.minutes[0]?.requests == 5)
        #expect(stats.minutes[0]?.budgetWait == .seconds(60))
        #expect(stats.minutes[1]?.weight == 2 && stats.minutes[1]?.requests == 1)
        #expect(stats.minutes[1]?.budgetWait == .zero)
        #expect(stats.minutes.count == 2)
    }

    @Test func followsTheServerMinuteAfterSynchronising() async throws {
        let limiter = limiter(budget: 4, epoch: 1_000_000_000)
        await limiter.synchronize(serverTime: 960_020_000)  // 20 s into server minute 16000
        try await send(limiter, weight: 4)
        let waiting = Task { try await limiter.acquire(weight: 1) }
        try await clock.waitForSleepers(1)
        #expect(clock.nextDeadline?.offset == .seconds(40))
        clock.advance(by: .seconds(40))
        _ = try await waiting.value
    }

    @Test func boundsRequestsInFlight() async throws {
        let limiter = limiter(budget: 1000, concurrency: 2)
        let first = try await limiter.acquire(weight: 1)
        _ = try await limiter.acquire(weight: 1)
        let third = Task { try await limiter.acquire(weight: 1) }
        while await limiter.slotWaiterCount == 0 { await Task.yield() }
        await limiter.complete(first, usedWeight: nil)
        _ = try await third.value
        #expect(await limiter.slotWaiterCount == 0)
    }

    @Test func spacesRequestsByTheRequestDelay() async throws {
        let limiter = limiter(budget: 1000, delay: .milliseconds(250))
        try await send(limiter, weight: 1)
        let second = Task { try await limiter.acquire(weight: 1) }
        try await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(249))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(1))
        #expect(try await second.value.reservedAt == .milliseconds(250))
    }

    @Test func slowsDownWhenTheServerCountsAnotherClient() async throws {
        let limiter = limiter(budget: 100)
        clock.advance(by: .seconds(30))
        for _ in 0..<4 { try await send(limiter, weight: 2) }
        // Ours: 10 after this one; the server says 40: another process used 30 in 30 s, so 60 over the minute.
        try await send(limiter, weight: 2, used: 40)
        var sent = 0
        while (try? await withTimeoutOnManualClock { try await send(limiter, weight: 2) }) ?? false { sent += 1 }
        #expect(sent == 15)  // ours 10 → 40; 40 + 60 projected = 100
        let stats = await limiter.statistics
        #expect(stats.lastReportedWeight == 40)
        // The next minute starts with the projection as a prior: 40 for us before the server says more.
        clock.advance(by: .seconds(30))
        sent = 0
        while (try? await withTimeoutOnManualClock { try await send(limiter, weight: 2) }) ?? false { sent += 1 }
        #expect(sent == 20)
    }

    /// Runs `body` and reports whether it finished without sleeping on the manual clock.
    func withTimeoutOnManualClock(_ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let task = Task { try await body() }
        for _ in 0..<200 {
            if clock.sleeperCount > 0 {
                task.cancel()
                return false
            }
            await Task.yield()
        }
        try await task.value
        return true
    }

    @Test func pausesForRetryAfterOnA429() async throws {
        let limiter = limiter(budget: 1000)
        await limiter.rateLimited(retryAfter: 5)
        let next = Task { try await limiter.acquire(weight: 1) }
        try await clock.waitForSleepers(1)
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        #expect(try await next.value.reservedAt == .seconds(5))
        #expect(await limiter.statistics.rateLimited == 1)
    }

    @Test func pausesUntilTheNextMinuteOnA429WithoutRetryAfter() async throws {
        let limiter = limiter(budget: 1000)
        clock.advance(by: .seconds(10))
        await limiter.rateLimited(retryAfter: nil)
        let next = Task { try await limiter.acquire(weight: 1) }
        try await clock.waitForSleepers(1)
        #expect(clock.nextDeadline?.offset == .seconds(60))
        clock.advance(by: .seconds(50))
        _ = try await next.value
    }

    @Test func stopsEveryoneOnABanWithStopPolicy() async throws {
        let limiter = limiter(budget: 1000, concurrency: 1)
        let held = try await limiter.acquire(weight: 1)
        let waiting = Task { try await limiter.acquire(weight: 1) }
        while await limiter.slotWaiterCount == 0 { await Task.yield() }
        let ban = ExchangeError.banned(until: 5000, message: "banned")
        await limiter.banned(until: 5000, policy: .stop, error: ban)
        await #expect(throws: ExchangeError.self) { try await waiting.value }
        await #expect(throws: ExchangeError.self) { try await limiter.acquire(weight: 1) }
        await limiter.complete(held, usedWeight: nil)
        #expect(await limiter.statistics.bans == 1)
    }

    @Test func waitsOutABanWithWaitPolicy() async throws {
        let limiter = limiter(budget: 1000)
        await limiter.banned(until: 150_000, policy: .wait, error: .banned(until: 150_000, message: "banned"))
        let next = Task { try await limiter.acquire(weight: 1) }
        try await clock.waitForSleepers(1)
        #expect(clock.nextDeadline?.offset == .seconds(151))
        clock.advance(by: .seconds(151))
        _ = try await next.value
    }

    @Test func countsRequestsNearABoundaryInTheNextMinuteToo() async throws {
        let limiter = limiter(budget: 20)
        clock.advance(by: .milliseconds(59_500))
        let inFlight = try await limiter.acquire(weight: 8)
        try await send(limiter, weight: 8)  // done, but sent 0.5 s before the boundary
        clock.advance(by: .milliseconds(600))
        try await send(limiter, weight: 4)  // 8 + 8 carried + 4 = 20
        let next = Task { try await limiter.acquire(weight: 1) }
        try await clock.waitForSleepers(1)
        #expect(clock.nextDeadline?.offset == .seconds(120))
        await limiter.complete(inFlight, usedWeight: nil)
        next.cancel()
        await #expect(throws: CancellationError.self) { try await next.value }
    }

    @Test func cancelsAWaiterForASlot() async throws {
        let limiter = limiter(budget: 1000, concurrency: 1)
        let held = try await limiter.acquire(weight: 1)
        let waiting = Task { try await limiter.acquire(weight: 1) }
        while await limiter.slotWaiterCount == 0 { await Task.yield() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await limiter.complete(held, usedWeight: nil)
        _ = try await limiter.acquire(weight: 1)
    }
}

@Suite struct RetryPolicyTests {
    @Test func doublesTheBackoffUpToTheMaximum() {
        let policy = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(500), maxBackoff: .seconds(30))
        #expect(
            (1...9).map { policy.backoff(retry: $0) } == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30),
                .seconds(30), .seconds(30),
            ])
    }

    @Test func jittersBetweenHalfAndAllOfTheDelay() {
        for _ in 0..<200 {
            let delay = BinanceClient.equalJitter(.seconds(2))
            #expect(delay >= .seconds(1) && delay <= .seconds(2))
        }
    }

    @Test func budgetIsTheConfiguredOneCappedByTheAdvertisedOne() {
        #expect(ClientPacing(weightPerMinute: nil).budget(advertisedLimit: 2400) == 1200)
        #expect(ClientPacing(weightPerMinute: 5000).budget(advertisedLimit: 2400) == 2400)
        #expect(ClientPacing(weightPerMinute: 600).budget(advertisedLimit: 6000) == 600)
    }
}
