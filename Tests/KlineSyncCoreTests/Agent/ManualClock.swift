import Synchronization

/// A clock that moves only when a test advances it; sleepers wake when their deadline is reached.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }

    /// Number of tasks sleeping on this clock now.
    var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id: Int = state.withLock {
            $0.nextID += 1
            return $0.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock {
                    // Cancelled before registering: the cancellation handler found nothing to resume.
                    if deadline <= $0.now || Task.isCancelled { return true }
                    $0.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock {
                guard let index = $0.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return $0.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to the earliest sleeper's deadline and wakes it; false when nobody sleeps.
    @discardableResult
    func advanceToNextDeadline() -> Bool {
        let deadline = state.withLock { $0.sleepers.map(\.deadline).min() }
        guard let deadline else { return false }
        advance(by: now.duration(to: deadline))
        return true
    }

    /// Waits (yielding) until at least one task sleeps on the clock.
    func waitForSleeper(timeout: Duration = .seconds(60)) async throws {
        let start = ContinuousClock.now
        while sleeperCount == 0 {
            if ContinuousClock.now - start > timeout { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    struct TimedOut: Error {}
}
