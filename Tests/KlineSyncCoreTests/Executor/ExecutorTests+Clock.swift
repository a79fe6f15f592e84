import Synchronization
import Testing

@testable import KlineSyncCore

extension ExecutorTests {
    /// The pauses between passes over symbols other agents hold, and the report's durations, run on the injected
    /// clock: ten minutes of coming back to a held symbol pass at once on a clock whose sleeps take no real time.
    @Test func comesBackToAHeldSymbolOnTheInjectedClock() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0])
        let store = SharedMemoryStore()
        // Another agent holds AAAUSDT for the whole run.
        _ = store.held.withLock { $0.insert("AAAUSDT") }
        let plan = Planner.plan(
            Planner.Input(
                manifest: manifest(), exchangeInfo: try await exchange.exchangeInfo(), serverTime: now,
                snapshot: try await StoreSnapshot.load(from: store, market: .usdm)))
        let clock = SkippingClock()
        let real = ContinuousClock.now
        let report = await Executor(exchange: exchange, store: store, clock: ElapsedClock(clock)).execute(
            plan, options: .init(runID: "r", concurrency: 2, locks: store, lockWaitSeconds: 600))
        // Well under the 595.5 s it waits on its clock, however loaded the machine running the tests is.
        #expect(ContinuousClock.now - real < .seconds(300))
        // 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s pauses until the next would pass 600 s.
        #expect(clock.sleeps == [0.5, 1, 2, 4, 8] + Array(repeating: 10, count: 58))
        let held = try #require(report.symbols.first { $0.symbol == "AAAUSDT" })
        #expect(held.status == .failed && held.error?.code == .symbolLocked)
        #expect(held.error?.message.contains("for the whole run (595s)") == true)
        #expect(report.symbols.first { $0.symbol == "BBBUSDT" }?.status == .ok)
        #expect(report.durationSeconds == 595.5)
    }
}

/// A clock on which sleeping takes no real time: each sleep moves the clock to its deadline at once.
final class SkippingClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))
    private let slept = Mutex<[Double]>([])

    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .zero }

    /// The length of every sleep so far, in seconds, in order.
    var sleeps: [Double] { slept.withLock { $0 } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        let seconds: Double = current.withLock { now in
            let (whole, atto) = now.duration(to: deadline).components
            now = max(now, deadline)
            return Double(whole) + Double(atto) / 1e18
        }
        slept.withLock { $0.append(seconds) }
    }
}
