/// What the planner assumes of the archive (DESIGN §8) when the sync has one: when files appear, and how the time
/// of a file compares with the time of REST requests.
///
/// data.binance.vision publishes daily files some hours to a few days after the day and monthly files from the
/// first days of the next month up to about mid-month. A file expected too early costs one 404 and a REST fetch of
/// its range; one expected too late is fetched as daily files or by REST, so the defaults lean late.
public struct ArchivePlanning: Sendable, Hashable {
    /// A monthly file is expected this long after its last bar closed (ms); 15 days by default.
    public var monthlyLagMillis: Int64
    /// A daily file is expected this long after its last bar closed (ms); 1 day by default.
    public var dailyLagMillis: Int64
    /// Archive downloads in flight (`pacing.archive_concurrency`).
    public var concurrency: Int

    /// Assumptions with the given lags (ms) and download concurrency.
    public init(monthlyLagMillis: Int64 = 15 * 86_400_000, dailyLagMillis: Int64 = 86_400_000, concurrency: Int = 16) {
        self.monthlyLagMillis = monthlyLagMillis
        self.dailyLagMillis = dailyLagMillis
        self.concurrency = max(1, concurrency)
    }

    /// Seconds one round trip is assumed to take, for files and REST requests alike (as `Planner.estimateSeconds`).
    static let roundTripSeconds = 0.1

    /// Whether the file of `period` is expected to be published at `serverTime` for bars of `interval`.
    public func isExpected(_ period: ArchivePeriod, interval: Interval, serverTime: Int64) -> Bool {
        let lag = period.granularity == .monthly ? monthlyLagMillis : dailyLagMillis
        let lastClose = interval.ceil(period.range.end)
        return lastClose <= serverTime - lag
    }

    /// The periods whose files would cover parts of `range` (open times of `interval`): whole months as monthly
    /// files, then whole days of what is left as daily files (intervals up to `1d`), each only when it is expected to
    /// be published and does not start before the month (day) of `listing`, where the exchange's bars are expected to
    /// begin. The month (day) in which the range starts counts too when the range runs past its end: its file's rows
    /// before the range are dropped, and one file costs no weight where a REST request for the rest of the month
    /// does. Sorted by start.
    public func periods(in range: TimeRange, interval: Interval, serverTime: Int64, listing: Int64?) -> [ArchivePeriod]
    {
        var chosen: [ArchivePeriod] = []
        var left: [TimeRange] = []
        var cursor = range.start
        for period in Self.leading(.monthly, of: range) + Self.whole(.monthly, in: range) {
            let usable =
                isExpected(period, interval: interval, serverTime: serverTime)
                && listing.map { period.start >= ArchiveGranularity.monthly.period(containing: $0).start } ?? true
            guard usable else { continue }
            if period.start > cursor { left.append(TimeRange(start: cursor, end: period.start)) }
            chosen.append(period)
            cursor = max(cursor, period.range.end)
        }
        if cursor < range.end { left.append(TimeRange(start: cursor, end: range.end)) }
        if ArchiveGranularity.daily.publishes(interval) {
            for piece in left {
                for period in Self.leading(.daily, of: piece) + Self.whole(.daily, in: piece)
                where isExpected(period, interval: interval, serverTime: serverTime)
                    && listing.map({ period.start >= ArchiveGranularity.daily.period(containing: $0).start }) ?? true
                {
                    chosen.append(period)
                }
            }
        }
        return chosen.sorted()
    }

    /// The period of `granularity` in which `range` starts, when it starts after that period's start and the range
    /// runs to the period's end or past it.
    static func leading(_ granularity: ArchiveGranularity, of range: TimeRange) -> [ArchivePeriod] {
        guard !range.isEmpty else { return [] }
        let period = ArchivePeriod(granularity, containing: range.start)
        guard period.start < range.start, period.range.end <= range.end else { return [] }
        return [period]
    }

    /// The periods of `granularity` lying wholly inside `range`.
    static func whole(_ granularity: ArchiveGranularity, in range: TimeRange) -> [ArchivePeriod] {
        guard !range.isEmpty else { return [] }
        var result: [ArchivePeriod] = []
        var period = ArchivePeriod(granularity, containing: range.start)
        if period.start < range.start { period = ArchivePeriod(granularity, containing: period.range.end) }
        while period.range.end <= range.end {
            result.append(period)
            period = ArchivePeriod(granularity, containing: period.range.end)
        }
        return result
    }

    /// Estimated seconds to download `files` files.
    public func seconds(files: Int) -> Double {
        Double(files) * Self.roundTripSeconds / Double(concurrency)
    }
}
