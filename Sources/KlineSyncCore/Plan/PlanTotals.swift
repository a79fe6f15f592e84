/// Totals over a plan.
public struct PlanTotals: Sendable, Hashable, Codable {
    /// Series per action kind (a series with several actions counts in each).
    public var series: [String: Int]
    public var requests: Int
    public var weight: Int
    /// Bars expected to be fetched.
    public var barsToFetch: Int64
    /// Bars expected to be deleted by prune.
    public var barsToDelete: Int64
    /// Estimated duration at the pacing budget (seconds).
    public var estimatedSeconds: Double
    /// Archive files planned; nil when none.
    public var archiveFiles: Int? = nil

    /// Series count for an action.
    public func count(_ kind: ActionKind) -> Int { series[kind.rawValue] ?? 0 }
}
