/// One action on one series: the ranges it fetches (or deletes, for prune) and what that costs.
public struct PlannedAction: Sendable, Hashable, Codable {
    public var kind: ActionKind
    /// Half-open ranges of open times: fetched for create/extend/backfill/repair/replace, deleted for prune.
    public var ranges: [TimeRange]
    /// Bars expected (fetched, or deleted for prune).
    public var bars: Int64
    public var requests: Int
    public var weight: Int

    public init(kind: ActionKind, ranges: [TimeRange], bars: Int64, requests: Int, weight: Int) {
        self.kind = kind
        self.ranges = ranges
        self.bars = bars
        self.requests = requests
        self.weight = weight
    }
}
