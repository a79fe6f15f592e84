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
    /// Funding plans per action kind and the funding requests they send (their own limit, no weight); nil when the
    /// plan has no funding.
    public var funding: FundingTotals? = nil

    /// Totals of the funding part of a plan.
    public struct FundingTotals: Sendable, Hashable, Codable {
        /// Symbols per action kind.
        public var symbols: [String: Int]
        public var requests: Int
        /// Funding events expected (at 8h intervals).
        public var events: Int64

        /// Symbol count for an action.
        public func count(_ kind: ActionKind) -> Int { symbols[kind.rawValue] ?? 0 }
    }

    /// Series count for an action.
    public func count(_ kind: ActionKind) -> Int { series[kind.rawValue] ?? 0 }
}
