import Synchronization

/// A flag that asks a run to stop starting new work (set by SIGINT/SIGTERM or a ban).
public final class StopSignal: Sendable {
    private let state = Mutex<StopReason?>(nil)

    public init() {}

    /// Asks the run to stop; the first reason wins.
    public func stop(_ reason: StopReason) {
        state.withLock { if $0 == nil { $0 = reason } }
    }

    /// Whether a stop was asked for.
    public var isStopped: Bool { state.withLock { $0 != nil } }

    /// Why, if stopped.
    public var reason: StopReason? { state.withLock { $0 } }
}
