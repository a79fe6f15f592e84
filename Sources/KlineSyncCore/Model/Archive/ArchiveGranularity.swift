/// How much time one archive file covers: a UTC calendar month or a UTC day.
public enum ArchiveGranularity: String, Sendable, Hashable, CaseIterable {
    /// `…/monthly/klines/…/SYMBOL-INTERVAL-YYYY-MM.zip`, for every interval.
    case monthly
    /// `…/daily/klines/…/SYMBOL-INTERVAL-YYYY-MM-DD.zip`, for intervals up to `1d`.
    case daily

    /// Whether the archive publishes files of this granularity for `interval` (daily files stop at `1d`).
    public func publishes(_ interval: Interval) -> Bool {
        switch self {
        case .monthly: true
        case .daily: (interval.fixedMillis ?? .max) <= 86_400_000
        }
    }

    /// The period (a whole month or day, UTC) that contains `time`.
    public func period(containing time: Int64) -> TimeRange {
        let date = CivilDate(millis: time)
        switch self {
        case .monthly:
            let start = CivilDate(year: date.year, month: date.month, day: 1).millis
            return TimeRange(start: start, end: Interval(name: "1M")!.next(start))
        case .daily:
            let start = CivilDate(year: date.year, month: date.month, day: date.day).millis
            return TimeRange(start: start, end: start + 86_400_000)
        }
    }
}
