/// What the store knows about one series, answered without scanning its bars.
public struct SeriesSummary: Sendable, Hashable, Codable {
    public var key: SeriesKey
    /// Open time of the first stored bar, nil when none is stored.
    public var firstOpenTime: Int64?
    /// Open time of the last stored bar.
    public var lastOpenTime: Int64?
    /// Number of stored bars.
    public var barCount: Int64
    /// The earliest open time the exchange has data for, once discovered; nothing before it is ever asked for.
    public var listingFloor: Int64?
    /// Ranges the exchange confirmed to hold no bars (outages), never planned again.
    public var emptyRanges: [TimeRange]

    public init(
        key: SeriesKey, firstOpenTime: Int64?, lastOpenTime: Int64?, barCount: Int64, listingFloor: Int64? = nil,
        emptyRanges: [TimeRange] = []
    ) {
        self.key = key
        self.firstOpenTime = firstOpenTime
        self.lastOpenTime = lastOpenTime
        self.barCount = barCount
        self.listingFloor = listingFloor
        self.emptyRanges = emptyRanges
    }

    /// Bars a gap-free series between the first and last stored bar would hold.
    public var expectedCount: Int64 {
        guard let first = firstOpenTime, let last = lastOpenTime else { return 0 }
        return key.interval.count(from: first, to: key.interval.next(last))
    }

    /// Whether the stored bars have holes between the first and the last.
    public var hasInteriorGaps: Bool { barCount < expectedCount }
}
