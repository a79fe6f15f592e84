/// Real time running `factor` times faster: a logical minute passes in 60/`factor` real seconds.
///
/// The scripted server and the client share one, so the server's rate-limit minutes and the client's pacing
/// follow the same (fast) time: integration tests of minute budgets are real, over HTTP, and short.
struct ScaledClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    let factor: Int
    private let start = ContinuousClock.now

    init(factor: Int) { self.factor = factor }

    var now: Instant { Instant(offset: (ContinuousClock.now - start) * factor) }
    var minimumResolution: Duration { .microseconds(1) * factor }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = now.duration(to: deadline)
        if remaining > .zero { try await Task.sleep(for: remaining / factor) } else { try Task.checkCancellation() }
    }

    /// Logical time elapsed since creation.
    var elapsed: Duration { now.offset }
}
