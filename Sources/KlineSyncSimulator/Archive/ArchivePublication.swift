import KlineSyncCore

/// When the simulated archive publishes a file: only once every bar in it has closed, plus a lag.
///
/// data.binance.vision publishes daily files some hours to a few days after the day, and monthly files from the
/// first days of the next month up to about mid-month; a 404 for a recent period is normal. The simulator uses one
/// fixed lag per granularity, counted from the close of the last bar opening in the period (the period's end for
/// intervals that divide it; later for `3d` and `1w` bars that run past a month's end).
public struct ArchivePublication: Sendable, Hashable {
    /// Lag of monthly files after their last bar closed (ms); 2 days by default (on the 3rd, 00:00 UTC).
    public var monthlyLagMillis: Int64
    /// Lag of daily files after their last bar closed (ms); 6 hours by default.
    public var dailyLagMillis: Int64

    /// The default lags: monthly files on the 3rd of the next month, daily files at 06:00 UTC the next day.
    public static let standard = ArchivePublication()

    /// Publication with the given lags (ms).
    public init(monthlyLagMillis: Int64 = 2 * 86_400_000, dailyLagMillis: Int64 = 6 * 3_600_000) {
        self.monthlyLagMillis = monthlyLagMillis
        self.dailyLagMillis = dailyLagMillis
    }

    /// The lag of files of `granularity` (ms).
    public func lag(_ granularity: ArchiveGranularity) -> Int64 {
        granularity == .monthly ? monthlyLagMillis : dailyLagMillis
    }

    /// The instant (ms) from which `file` is served, if its symbol has bars in it.
    public func publishedAt(_ file: ArchiveFileID) -> Int64 {
        file.interval.ceil(file.period.end) + lag(file.granularity)
    }

    /// Whether `file` is published at `now`.
    public func isPublished(_ file: ArchiveFileID, now: Int64) -> Bool { now >= publishedAt(file) }
}

extension ArchivePublication {
    /// Reads a lag such as `2d`, `6h`, `90m`, `30s`, `500ms` or `0s` (`klinesync sim --archive-daily-lag`), in ms.
    public static func parseLag(_ text: String) -> Int64? { SimulatorClock.parseDuration(text) }
}
