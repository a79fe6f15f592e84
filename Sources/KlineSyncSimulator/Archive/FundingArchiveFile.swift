import KlineSyncCore

/// One monthly funding-rate file of the data.binance.vision archive.
///
/// Its path is `/data/futures/{um|cm}/monthly/fundingRate/SYMBOL/SYMBOL-fundingRate-YYYY-MM.zip`, with a
/// `.CHECKSUM` beside it; the zip holds one CSV named like the zip, a header row ``header`` and one row per funding
/// event of the month (`calc_time,funding_interval_hours,last_funding_rate`, the rate as REST's text). There are
/// monthly files only, for perpetuals only, and only for months with at least one funding event.
public struct FundingArchiveFile: Sendable, Hashable, CustomStringConvertible {
    /// The market whose folder holds the file (futures).
    public var market: Market
    /// The perpetual, such as `BTCUSDT`.
    public var symbol: String
    /// The month's first instant (ms).
    public var periodStart: Int64

    /// The header row, without its line feed.
    public static let header = "calc_time,funding_interval_hours,last_funding_rate"

    /// The file of `symbol` for the month containing `time`.
    public init(market: Market, symbol: String, time: Int64) {
        self.market = market
        self.symbol = symbol
        periodStart = ArchiveGranularity.monthly.period(containing: time).start
    }

    /// The month the file covers: events with funding times in it are its rows.
    public var period: TimeRange { ArchiveGranularity.monthly.period(containing: periodStart) }

    /// `BTCUSDT-fundingRate-2024-03`, the stem of the zip's and the CSV's names.
    public var stem: String {
        let date = CivilDate(millis: periodStart)
        return "\(symbol)-fundingRate-\(date.year)-\(date.month < 10 ? "0" : "")\(date.month)"
    }

    /// `BTCUSDT-fundingRate-2024-03.zip`.
    public var zipName: String { stem + ".zip" }

    /// `BTCUSDT-fundingRate-2024-03.csv`, the one entry of the zip.
    public var csvName: String { stem + ".csv" }

    /// The zip's path on the server, from `/data/`.
    public var path: String { "/data/\(ArchiveFileID.folder(of: market))/monthly/fundingRate/\(symbol)/\(zipName)" }

    /// The `.CHECKSUM` sidecar's path.
    public var checksumPath: String { path + ".CHECKSUM" }

    public var description: String { path }

    /// The instant (ms) from which the simulator serves the file: the month's end plus the monthly lag.
    func publishedAt(_ publication: ArchivePublication) -> Int64 { period.end + publication.monthlyLagMillis }
}
