import KlineSyncCore

/// How the real archive writes a file's CSV, by market and period: the quirks a client must handle.
///
/// - Futures files (USD-M and COIN-M) whose period starts on or after ``futuresHeaderSince`` begin with
///   ``header``; older futures files and every spot file have no header row (binance-public-data #246, #283).
/// - Spot files whose period starts on or after ``spotMicrosecondsSince`` give open and close times in
///   microseconds (close time `…999999`); futures files stay in milliseconds.
/// - COIN-M files name column 7 `quote_volume` though it holds the base-asset volume, as REST's field 7 does
///   (#267); columns 5 and 9 are contracts.
/// - Values are the REST decimal strings, unquoted; the last column is `0`; lines end with `\n`.
public enum ArchiveLayout {
    /// The header row of futures files, without its line feed.
    public static let header =
        "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,"
        + "ignore"

    /// 2022-05-01: futures files of periods from this month on have the header row ("since about May 2022").
    public static let futuresHeaderSince: Int64 = CivilDate(year: 2022, month: 5, day: 1).millis

    /// 2025-01-01: spot files of periods from this day on give times in microseconds.
    public static let spotMicrosecondsSince: Int64 = CivilDate(year: 2025, month: 1, day: 1).millis

    /// Whether `file`'s CSV starts with ``header``.
    public static func hasHeader(_ file: ArchiveFileID) -> Bool {
        file.market.isFutures && file.periodStart >= futuresHeaderSince
    }

    /// Whether `file`'s CSV gives times in microseconds.
    public static func usesMicroseconds(_ file: ArchiveFileID) -> Bool {
        file.market == .spot && file.periodStart >= spotMicrosecondsSince
    }
}
