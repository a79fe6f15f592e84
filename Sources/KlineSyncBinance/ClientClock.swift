#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The injected clock, reduced to what pacing and retries need: time elapsed since creation, and sleeping.
///
/// Wrapping `some Clock<Duration>` in closures keeps `RateLimiter` and `BinanceClient` non-generic while tests
/// inject a manual or scaled clock so that pacing and backoff are tested without real waiting.
struct ClientClock: Sendable {
    /// Time elapsed since the clock was wrapped.
    let now: @Sendable () -> Duration
    /// Sleeps for the given duration on the underlying clock; throws `CancellationError` when cancelled.
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        now = { start.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }

    /// Sleeps until the clock reads `deadline` (elapsed time); returns at once when it already has.
    func sleep(until deadline: Duration) async throws {
        let remaining = deadline - now()
        if remaining > .zero { try await sleep(remaining) } else { try Task.checkCancellation() }
    }

    /// The system's wall-clock time in milliseconds since the Unix epoch.
    static func wallClockMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var millis: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
