/// A half-open range of times in milliseconds, `[start, end)`. For bar ranges, `start` and `end` are open times.
public struct TimeRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var isEmpty: Bool { end <= start }

    public func contains(_ time: Int64) -> Bool { time >= start && time < end }

    /// The overlap of two ranges, or nil when they do not overlap.
    public func clamped(to other: TimeRange) -> TimeRange? {
        let r = TimeRange(start: max(start, other.start), end: min(end, other.end))
        return r.isEmpty ? nil : r
    }

    public var description: String { "\(Timestamp.short(start))…\(Timestamp.short(end))" }
}
