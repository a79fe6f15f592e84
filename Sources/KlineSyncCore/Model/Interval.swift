/// A Binance kline interval (`1s` … `1M`), with exact bar-grid arithmetic.
///
/// Fixed-length intervals sit on a grid anchored at the Unix epoch, except `1w`, whose bars open on Mondays
/// 00:00 UTC. `1M` bars open on the first of each month 00:00 UTC and have calendar lengths.
public struct Interval: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// Binance's case-sensitive name, such as `4h` or `1M`.
    public let name: String
    /// Length in milliseconds for fixed intervals; nil for `1M`.
    public let fixedMillis: Int64?
    /// Where the grid starts (ms since the epoch) for fixed intervals.
    let anchor: Int64

    private init(_ name: String, _ millis: Int64?, anchor: Int64 = 0) {
        self.name = name
        self.fixedMillis = millis
        self.anchor = anchor
    }

    static let second: Int64 = 1000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    /// 1970-01-05, the first Monday after the epoch.
    static let firstMonday: Int64 = 4 * day

    /// Every interval Binance knows, shortest first.
    public static let all: [Interval] = [
        Interval("1s", second), Interval("1m", minute), Interval("3m", 3 * minute), Interval("5m", 5 * minute),
        Interval("15m", 15 * minute), Interval("30m", 30 * minute), Interval("1h", hour), Interval("2h", 2 * hour),
        Interval("4h", 4 * hour), Interval("6h", 6 * hour), Interval("8h", 8 * hour), Interval("12h", 12 * hour),
        Interval("1d", day), Interval("3d", 3 * day), Interval("1w", 7 * day, anchor: firstMonday),
        Interval("1M", nil),
    ]

    private static let byName: [String: Interval] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The interval with this exact name, or nil.
    public init?(name: String) {
        guard let found = Interval.byName[name] else { return nil }
        self = found
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let found = Interval(name: name) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown interval '\(name)'"))
        }
        self = found
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public var description: String { name }

    /// Whether the interval is calendar-based (`1M`).
    public var isMonthly: Bool { fixedMillis == nil }

    /// Typical length in ms (31 days for `1M`), for estimates only.
    public var approximateMillis: Int64 { fixedMillis ?? 31 * Interval.day }

    public static func < (lhs: Interval, rhs: Interval) -> Bool { lhs.approximateMillis < rhs.approximateMillis }

    /// Open time of the bar that contains `time`.
    public func floor(_ time: Int64) -> Int64 {
        if let length = fixedMillis {
            let offset = time - anchor
            let q = offset >= 0 ? offset / length : (offset - length + 1) / length
            return anchor + q * length
        }
        let date = CivilDate(millis: time)
        return CivilDate(year: date.year, month: date.month, day: 1).millis
    }

    /// Open time of the first bar opening at or after `time`.
    public func ceil(_ time: Int64) -> Int64 {
        let f = floor(time)
        return f == time ? f : next(f)
    }

    /// Whether `time` is the open time of a bar.
    public func isAligned(_ time: Int64) -> Bool { floor(time) == time }

    /// Open time of the bar after the one opening at `openTime`.
    public func next(_ openTime: Int64) -> Int64 { advance(openTime, by: 1) }

    /// Open time of the bar before the one opening at `openTime`.
    public func previous(_ openTime: Int64) -> Int64 { advance(openTime, by: -1) }

    /// Open time `count` bars after (or before, when negative) the bar opening at `openTime`.
    public func advance(_ openTime: Int64, by count: Int64) -> Int64 {
        if let length = fixedMillis { return openTime + count * length }
        let date = CivilDate(millis: openTime)
        let months = Int64(date.year) * 12 + Int64(date.month - 1) + count
        let year = Int(months >= 0 ? months / 12 : (months - 11) / 12)
        let month = Int(months - Int64(year) * 12) + 1
        return CivilDate(year: year, month: month, day: 1).millis
    }

    /// Close time Binance reports for the bar opening at `openTime`: the next open time minus 1 ms.
    public func closeTime(ofBarOpeningAt openTime: Int64) -> Int64 { next(openTime) - 1 }

    /// Number of bar open times in the half-open range `[start, end)`; both ends are aligned first.
    public func count(from start: Int64, to end: Int64) -> Int64 {
        let first = ceil(start)
        let stop = ceil(end)
        guard stop > first else { return 0 }
        if let length = fixedMillis { return (stop - first) / length }
        let a = CivilDate(millis: first)
        let b = CivilDate(millis: stop)
        return Int64((b.year - a.year) * 12 + (b.month - a.month))
    }
}
