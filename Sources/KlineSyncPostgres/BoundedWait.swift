import PostgresNIO
import Synchronization

/// Runs one database access in a task of its own and returns as soon as the first of these happens: the access
/// ends, the connection it uses closes, its deadline passes, a health check says the server cannot be reached, or
/// the caller is cancelled.
///
/// PostgresNIO waits without bound in some states: a statement sent on a connection that has already closed is
/// never answered, and a pool that cannot connect keeps its callers waiting. A caller of `BoundedWait` is never
/// held by them: when the wait ends early, the access's task is cancelled, the connection it was using is closed
/// (so the server rolls back any open transaction), and the task is left to end on its own.
struct BoundedWait: Sendable {
    /// Why a wait ended before the access did.
    enum Ending: Error, Sendable {
        /// The deadline passed.
        case timedOut(Duration)
        /// The connection the access was using closed.
        case connectionLost
        /// The caller's task was cancelled.
        case cancelled
        /// The health check failed: the server cannot be reached, for this reason.
        case unreachable(String)
    }

    /// How long the access may go without progress (see `touch()`); without calls to `touch()`, how long it may
    /// take in all.
    var deadline: Duration
    /// While the access waits for a pooled connection, how often to check that the server can be reached.
    var healthInterval: Duration = .seconds(5)
    /// Connects to the server and closes the connection; throws the reason when that fails. Run while the access
    /// waits for a connection from the pool; nil: no check.
    var healthCheck: (@Sendable () async -> String?)?

    /// How often the watchdog looks at the connection and the clock.
    static let tick: Duration = .milliseconds(50)

    /// The progress clock of the access running in this task, if any.
    @TaskLocal static var activity: Activity?

    /// Tells the wait around the current task that the access made progress (a batch was written or read), so
    /// that a long transaction that keeps moving is not cut off by `deadline`.
    static func touch() { activity?.touch() }

    /// When an access last made progress.
    final class Activity: Sendable {
        private let last = Mutex(ContinuousClock.now)
        func touch() { last.withLock { $0 = ContinuousClock.now } }
        var lastProgress: ContinuousClock.Instant { last.withLock { $0 } }
    }

    /// Runs `body`; it calls `attach` with the connection it uses, as soon as it has one.
    ///
    /// - Throws: what `body` throws, or an `Ending`.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (_ attach: @escaping @Sendable (PostgresConnection) -> Void) async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.install(continuation)
                let work = Task {
                    await BoundedWait.$activity.withValue(race.activity) {
                        do {
                            let value = try await body { race.attach($0) }
                            // A connection made for a wait that has already ended would be dropped unclosed.
                            if !race.finish(.success(value)) { (value as? PostgresConnection)?.closeNow() }
                        } catch {
                            race.finish(.failure(error))
                        }
                    }
                }
                let watchdog = Task { await self.watch(race) }
                race.onEnd { ending in
                    watchdog.cancel()
                    if ending != nil {
                        work.cancel()
                        race.connection?.closeNow()
                    }
                }
            }
        } onCancel: {
            race.finish(.failure(Ending.cancelled))
        }
    }

    /// Ends the race when the connection closes, the deadline passes or the health check fails.
    private func watch<T>(_ race: Race<T>) async {
        // The first check comes soon: a pool that can reach the server hands out a connection in milliseconds.
        var nextCheck = ContinuousClock.now + min(healthInterval, .milliseconds(500))
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.tick)
            if race.connection?.isClosed == true {
                race.finish(.failure(Ending.connectionLost))
                return
            }
            let now = ContinuousClock.now
            if now - race.activity.lastProgress >= deadline {
                race.finish(.failure(Ending.timedOut(deadline)))
                return
            }
            if race.connection == nil, let healthCheck, now >= nextCheck {
                if let reason = await healthCheck(), race.connection == nil {
                    race.finish(.failure(Ending.unreachable(reason)))
                    return
                }
                nextCheck = ContinuousClock.now + healthInterval
            }
        }
    }
}

/// The one-shot result of a `BoundedWait`: the first `finish` resumes the caller, later ones are ignored.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var ended = false
        var connection: PostgresConnection?
        var onEnd: (@Sendable (BoundedWait.Ending?) -> Void)?
        var ending: BoundedWait.Ending?
    }

    private let state = Mutex(State())
    /// When the access last made progress; attaching a connection counts.
    let activity = BoundedWait.Activity()

    /// The connection the access attached, if any.
    var connection: PostgresConnection? { state.withLock { $0.connection } }

    func attach(_ connection: PostgresConnection) {
        state.withLock { $0.connection = connection }
        activity.touch()
    }

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Runs `action` once the race has ended (now, when it has), with the `Ending` when it ended early.
    func onEnd(_ action: @escaping @Sendable (BoundedWait.Ending?) -> Void) {
        let run = state.withLock { state -> Bool in
            if state.ended { return true }
            state.onEnd = action
            return false
        }
        if run { action(state.withLock { $0.ending }) }
    }

    /// Ends the race with `result` unless it has ended already; whether it did.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (won, continuation, action, ending) = state.withLock {
            state -> (
                Bool, CheckedContinuation<T, any Error>?, (@Sendable (BoundedWait.Ending?) -> Void)?,
                BoundedWait.Ending?
            ) in
            guard !state.ended else { return (false, nil, nil, nil) }
            state.ended = true
            if case .failure(let error as BoundedWait.Ending) = result { state.ending = error }
            state.result = result
            let continuation = state.continuation
            let action = state.onEnd
            state.continuation = nil
            state.onEnd = nil
            return (true, continuation, action, state.ending)
        }
        continuation?.resume(with: result)
        action?(ending)
        return won
    }
}

extension PostgresConnection {
    /// Starts closing the connection without waiting for it (nothing to do when it is closed already). The
    /// connection keeps itself alive until it has closed: PostgresNIO requires a connection to be closed before it
    /// is released.
    func closeNow() {
        guard !isClosed else { return }
        let closed: EventLoopFuture<Void> = close()
        closed.whenComplete { _ in _ = self }
    }
}
