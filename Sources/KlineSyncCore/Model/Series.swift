/// Identifies one series: the bars of one symbol at one interval on one market.
public struct SeriesKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var exchange: String
    public var market: Market
    public var symbol: String
    public var interval: Interval

    public init(exchange: String = Market.exchangeName, market: Market, symbol: String, interval: Interval) {
        self.exchange = exchange
        self.market = market
        self.symbol = symbol
        self.interval = interval
    }

    public var description: String { "\(symbol) \(interval.name)" }

    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        (lhs.exchange, lhs.market.rawValue, lhs.symbol, lhs.interval.approximateMillis)
            < (rhs.exchange, rhs.market.rawValue, rhs.symbol, rhs.interval.approximateMillis)
    }
}

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
