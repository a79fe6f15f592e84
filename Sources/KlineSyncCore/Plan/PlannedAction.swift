/// One action on one series: the ranges it fetches (or deletes, for prune) and what that costs.
public struct PlannedAction: Sendable, Hashable, Codable {
    public var kind: ActionKind
    /// Half-open ranges of open times: fetched for create/extend/backfill/repair/replace, deleted for prune.
    public var ranges: [TimeRange]
    /// Bars expected (fetched, or deleted for prune).
    public var bars: Int64
    /// REST requests and their weight (what the archive files do not cover).
    public var requests: Int
    public var weight: Int
    /// The archive files that fetch parts of `ranges` (DESIGN §8), by period; nil when REST fetches everything.
    public var archive: [ArchivePeriod]?

    public init(
        kind: ActionKind, ranges: [TimeRange], bars: Int64, requests: Int, weight: Int, archive: [ArchivePeriod]? = nil
    ) {
        self.kind = kind
        self.ranges = ranges
        self.bars = bars
        self.requests = requests
        self.weight = weight
        self.archive = archive
    }

    /// Archive files planned.
    public var archiveFiles: Int { archive?.count ?? 0 }

    /// The parts of `ranges` that REST fetches: everything the archive files do not cover.
    public var restRanges: [TimeRange] {
        guard let archive, !archive.isEmpty else { return ranges }
        let covered = archive.map(\.range)
        return ranges.flatMap { $0.subtracting(covered) }
    }
}
