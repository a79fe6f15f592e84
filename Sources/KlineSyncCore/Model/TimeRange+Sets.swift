extension TimeRange {
    /// This range minus every range in `others`, as sorted disjoint pieces.
    public func subtracting(_ others: [TimeRange]) -> [TimeRange] {
        var pieces = [self]
        for cut in others where !cut.isEmpty {
            var next: [TimeRange] = []
            for piece in pieces {
                guard cut.start < piece.end, cut.end > piece.start else {
                    next.append(piece)
                    continue
                }
                if cut.start > piece.start { next.append(TimeRange(start: piece.start, end: cut.start)) }
                if cut.end < piece.end { next.append(TimeRange(start: cut.end, end: piece.end)) }
            }
            pieces = next
        }
        return pieces.filter { !$0.isEmpty }
    }

    /// Sorted, merged ranges (overlapping or touching ranges joined).
    public static func merged(_ ranges: [TimeRange]) -> [TimeRange] {
        var result: [TimeRange] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.start < $1.start }) {
            if let last = result.last, range.start <= last.end {
                result[result.count - 1].end = max(last.end, range.end)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
