import Dispatch
import Foundation

/// Delivers SIGINT and SIGTERM to a handler (with how many signals arrived so far) instead of killing the process.
final class SignalHandler: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var count = 0

    init(_ handler: @escaping @Sendable (Int, String) -> Void) {
        for (signo, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [self] in
                let n = lock.withLock {
                    count += 1
                    return count
                }
                handler(n, name)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops handling; the default actions are restored.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
