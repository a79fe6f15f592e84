/// What a write changed.
public struct WriteCounts: Sendable, Hashable, Codable {
    public var inserted: Int = 0
    public var updated: Int = 0
    public var deleted: Int = 0
    public var unchanged: Int = 0

    public init(inserted: Int = 0, updated: Int = 0, deleted: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.deleted = deleted
        self.unchanged = unchanged
    }

    public static func + (a: WriteCounts, b: WriteCounts) -> WriteCounts {
        WriteCounts(
            inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted,
            unchanged: a.unchanged + b.unchanged)
    }
}

extension Array where Element == WriteCounts {
    /// The sum over every series of a write.
    public var total: WriteCounts { reduce(WriteCounts(), +) }
}
