import PostgresNIO
import Synchronization

/// Whether the server has been answering: after an access fails for want of the server (it timed out, its
/// connection was lost, the server could not be reached), every later access first waits for a probe of the
/// server (shared by the accesses waiting together) and fails at once when the probe does.
///
/// Without it, a server that stops answering (frozen, or cut off by the network) costs each later access its whole
/// `PostgresTimeouts.idle`, one symbol after the other; with it, the run meets the outage once and then fails the
/// rest of its accesses within `PostgresTimeouts.probe` each. A server that comes back is used again as soon as a
/// probe reaches it.
final class ServerHealth: Sendable {
    private struct State {
        /// Why the server is suspect; nil while it answers.
        var suspect: String?
        /// The probe in flight, if any.
        var probe: Task<String?, Never>?
        /// The last failed probe: when, and why.
        var lastFailure: (at: ContinuousClock.Instant, reason: String)?
    }

    private let state = Mutex(State())
    /// Connects, runs `SELECT 1` and closes; the reason when that fails.
    private let probe: @Sendable () async -> String?
    /// No new probe sooner than this after a failed one; accesses in between fail with its reason.
    let pause: Duration

    init(pause: Duration = .seconds(1), probe: @escaping @Sendable () async -> String?) {
        self.pause = pause
        self.probe = probe
    }

    /// Whether an error of an access shows that the server is not answering.
    static func isOutage(_ error: any Error) -> Bool {
        switch error {
        case PostgresStoreError.connectionLost, PostgresStoreError.timedOut, PostgresStoreError.cannotConnect:
            true
        default:
            false
        }
    }

    /// Whether an outage was seen and no probe has reached the server since.
    var isSuspect: Bool { state.withLock { $0.suspect != nil } }

    /// Records how an access ended: an outage makes the server suspect.
    func observe(_ error: any Error) {
        guard Self.isOutage(error) else { return }
        state.withLock { state in
            if state.suspect == nil { state.suspect = PostgresStoreError.reason(error) }
        }
    }

    /// Returns at once while the server answers; otherwise the reason the server cannot be used now (the last
    /// probe failed less than `pause` ago, or the probe made now fails), or nil when a probe reached it.
    func unavailable() async -> String? {
        enum Next {
            case healthy
            case failed(String)
            case wait(Task<String?, Never>)
        }
        let next = state.withLock { state -> Next in
            guard state.suspect != nil else { return .healthy }
            if let probe = state.probe { return .wait(probe) }
            if let failure = state.lastFailure, ContinuousClock.now - failure.at < pause {
                return .failed(failure.reason)
            }
            let probe = self.probe
            let task = Task { await probe() }
            state.probe = task
            return .wait(task)
        }
        switch next {
        case .healthy: return nil
        case .failed(let reason): return reason
        case .wait(let task):
            // Not cancelled with the caller: other accesses may be waiting for the same probe, which is bounded.
            let reason = await task.value
            state.withLock { state in
                guard state.probe == task else { return }
                state.probe = nil
                if let reason {
                    state.lastFailure = (ContinuousClock.now, reason)
                } else {
                    state.suspect = nil
                    state.lastFailure = nil
                }
            }
            return reason
        }
    }
}
