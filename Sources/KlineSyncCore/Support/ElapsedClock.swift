/// An injected clock, reduced to what waiting and timing need: time elapsed since it was wrapped, and sleeping.
///
/// Wrapping `some Clock<Duration>` in closures keeps its users non-generic (`Executor`, the Binance client's
/// `RateLimiter`, the simulator's rate-limit minutes) while tests inject a manual clock, so that pauses, backoff
/// and pacing are tested without real waiting. Give every part of one run the same clock.
public struct ElapsedClock: Sendable {
    /// Time elapsed since the clock was wrapped.
    public let now: @Sendable () -> Duration
    /// Sleeps for the given duration on the underlying clock; throws `CancellationError` when cancelled.
    public let sleep: @Sendable (Duration) async throws -> Void

    /// Wraps `clock`; its current instant becomes zero.
    public init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        now = { start.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }

    /// A clock made of its two operations, for a test that needs no more: `ElapsedClock(now: { .zero },
    /// sleep: { _ in })` is a clock that never moves.
    public init(
        now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.now = now
        self.sleep = sleep
    }

    /// The machine's continuous clock.
    public static var continuous: ElapsedClock { ElapsedClock(ContinuousClock()) }

    /// Sleeps until the clock reads `deadline` (elapsed time); returns at once when it already has.
    public func sleep(until deadline: Duration) async throws {
        let remaining = deadline - now()
        if remaining > .zero { try await sleep(remaining) } else { try Task.checkCancellation() }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var millis: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
