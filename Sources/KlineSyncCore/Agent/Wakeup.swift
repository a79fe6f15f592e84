import Synchronization

/// Wakes the agent from an idle wait (a stop or a reload was asked for). A `signal()` with nobody waiting is kept
/// for the next `wait()`.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the current waiter, or the next one.
    func signal() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock {
            guard let waiter = $0.waiter else {
                $0.pending = true
                return nil
            }
            $0.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when signalled (at once if a signal is pending) or when the task is cancelled. One waiter at a time.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock {
                    if $0.pending || Task.isCancelled {
                        $0.pending = false
                        return true
                    }
                    $0.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock {
                let waiter = $0.waiter
                $0.waiter = nil
                return waiter
            }
            waiter?.resume()
        }
    }
}
