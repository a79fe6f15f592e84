import Foundation
import Synchronization
import UnixSignals

/// Delivers SIGINT and SIGTERM to a handler (with how many arrived so far) instead of killing the process, while
/// armed; disarming restores the default actions.
final class SignalTrap: Sendable {
    private let listener = Mutex<Task<Void, Never>?>(nil)

    /// Traps the signals from now on (the default actions are replaced before this returns).
    func arm(_ handler: @escaping @Sendable (_ count: Int, _ name: String) -> Void) async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let task = Task {
            var count = 0
            for await signal in signals {
                count += 1
                handler(count, signal.description)
            }
        }
        listener.withLock { $0 = task }
    }

    /// Stops trapping; the default actions are restored.
    func disarm() {
        listener.withLock {
            $0?.cancel()
            $0 = nil
        }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
