/// An optional capability of a `Store`: dropping old rows of the `runs` table, so that an agent running for weeks
/// keeps the table bounded.
public protocol RunRetention: Sendable {
    /// Deletes every run but the `count` most recently started; returns how many were deleted.
    @discardableResult
    func pruneRuns(keepingLatest count: Int) async throws -> Int
}
