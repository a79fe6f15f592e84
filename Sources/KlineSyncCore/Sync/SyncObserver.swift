/// Receives what a `Sync` run goes through, for progress on a terminal or in logs. Every method but
/// `symbolFinished` has a default that does nothing. Called from many tasks; implementations must be thread-safe.
public protocol SyncObserver: ExecutionObserver {
    /// Another writer holds the database's writer lock; the run waits for it (`holder` describes it when known).
    func waitingForWriter(database: DatabaseLocation, holder: String?)

    /// The plan is made and checked; `symbols` symbols have changes and are about to be applied. The run waits for
    /// this to return (an observer may set up what the execution needs, such as signal handling).
    func executionStarted(symbols: Int) async

    /// The plan about to be executed (called just before `executionStarted`), for progress that needs its totals.
    func executing(_ plan: Plan)

    /// Every symbol is finished; the report is about to be recorded.
    func executionFinished()
}

extension SyncObserver {
    public func waitingForWriter(database: DatabaseLocation, holder: String?) {}
    public func executionStarted(symbols: Int) async {}
    public func executing(_ plan: Plan) {}
    public func executionFinished() {}
}
