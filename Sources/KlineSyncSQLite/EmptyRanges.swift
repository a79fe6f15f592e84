import KlineSyncCore

/// Arithmetic on sets of confirmed-empty ranges.
enum EmptyRanges {
    /// The union of `ranges`: sorted by start, overlapping or touching ranges merged, empty ranges dropped.
    static func union(_ ranges: [TimeRange]) -> [TimeRange] {
        var merged: [TimeRange] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { ($0.start, $0.end) < ($1.start, $1.end) }) {
            if let last = merged.last, range.start <= last.end {
                merged[merged.count - 1].end = max(last.end, range.end)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
