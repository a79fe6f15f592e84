/// One kline file of the data.binance.vision archive: market, granularity, symbol, interval and period.
///
/// Its path follows the real layout, `/data/{spot|futures/um|futures/cm}/{monthly|daily}/{klines|markPriceKlines|…}/SYMBOL/INTERVAL/
/// SYMBOL-INTERVAL-{YYYY-MM|YYYY-MM-DD}.zip`, with `1M` spelled `1mo`; the zip holds one CSV named like the zip
/// and has a `.CHECKSUM` sidecar beside it.
public struct ArchiveFileID: Sendable, Hashable, CustomStringConvertible {
    /// The market whose folder holds the file.
    public var market: Market
    /// A monthly or a daily file.
    public var granularity: ArchiveGranularity
    /// The symbol, such as `BTCUSDT`.
    public var symbol: String
    /// The bar interval.
    public var interval: Interval
    /// Trade, mark-price, index-price or premium-index klines (the folder after the granularity).
    public var dataset: Dataset
    /// Open time of the period's first instant (the first of a month, or a day, 00:00 UTC).
    public var periodStart: Int64

    /// The file of `granularity` covering `time` (any instant inside the period).
    public init(
        market: Market, granularity: ArchiveGranularity, symbol: String, interval: Interval, time: Int64,
        dataset: Dataset = .klines
    ) {
        self.market = market
        self.granularity = granularity
        self.symbol = symbol
        self.interval = interval
        self.dataset = dataset
        periodStart = granularity.period(containing: time).start
    }

    /// The period the file covers: bars opening in it are the file's rows.
    public var period: TimeRange { granularity.period(containing: periodStart) }

    /// The interval as archive paths spell it: `1mo` for `1M`, otherwise Binance's name.
    public static func pathName(of interval: Interval) -> String { interval.isMonthly ? "1mo" : interval.name }

    /// The interval an archive path names (`1mo` is `1M`; `1M` itself is not an archive name).
    public static func interval(pathName: Substring) -> Interval? {
        if pathName == "1mo" { return Interval(name: "1M") }
        guard pathName != "1M" else { return nil }
        return Interval(name: String(pathName))
    }

    /// The market's folder under `/data/`.
    public static func folder(of market: Market) -> String {
        switch market {
        case .spot: "spot"
        case .usdm: "futures/um"
        case .coinm: "futures/cm"
        }
    }

    /// `2024-03` or `2024-03-15`.
    public var periodName: String {
        let date = CivilDate(millis: periodStart)
        let month = "\(date.year)-\(Self.two(date.month))"
        return granularity == .monthly ? month : month + "-\(Self.two(date.day))"
    }

    /// `BTCUSDT-1m-2024-03`, the stem of the zip's and the CSV's names.
    public var stem: String { "\(symbol)-\(Self.pathName(of: interval))-\(periodName)" }

    /// `BTCUSDT-1m-2024-03.zip`.
    public var zipName: String { stem + ".zip" }

    /// `BTCUSDT-1m-2024-03.csv`, the one entry of the zip.
    public var csvName: String { stem + ".csv" }

    /// The zip's path on the server, from `/data/`.
    public var path: String {
        "/data/\(Self.folder(of: market))/\(granularity.rawValue)/\(dataset.endpoint)/\(symbol)/\(Self.pathName(of: interval))/"
            + zipName
    }

    /// The `.CHECKSUM` sidecar's path.
    public var checksumPath: String { path + ".CHECKSUM" }

    public var description: String { path }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
