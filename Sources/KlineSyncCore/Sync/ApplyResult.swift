/// What one `Sync.apply` did.
public struct ApplyResult: Sendable {
    /// The run's report: that of the executed plan, or a `failed` one with the error when nothing was applied.
    public var report: Report
    /// Why nothing was applied, when it was not: the plan was never executed and the database is untouched.
    public var failure: (any Error)?
    /// Whether the report is recorded in the database's `runs` table.
    public var recorded: Bool

    public init(report: Report, failure: (any Error)? = nil, recorded: Bool = false) {
        self.report = report
        self.failure = failure
        self.recorded = recorded
    }
}
