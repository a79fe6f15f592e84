import Foundation

extension Executor {
    /// When a run started: the wall-clock date its report shows, and the executor's clock for its durations.
    struct RunStart: Sendable {
        var date: Date
        var elapsed: Duration
    }

    /// Seconds on the executor's clock since it read `start`.
    func seconds(since start: Duration) -> Double {
        let (seconds, attoseconds) = (clock.now() - start).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole milliseconds on the executor's clock since it read `start`.
    func milliseconds(since start: Duration) -> Int {
        Int((clock.now() - start).millis)
    }
}
