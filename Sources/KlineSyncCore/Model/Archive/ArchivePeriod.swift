/// The period of one archive file as a plan names it: `2024-03` (a monthly file) or `2024-03-15` (a daily file).
///
/// With the market, symbol and interval of its series it identifies the file (`ArchiveFileID`).
public struct ArchivePeriod: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// A monthly or a daily file.
    public var granularity: ArchiveGranularity
    /// The first instant of the month or day (UTC, ms).
    public var start: Int64

    /// The period of `granularity` that contains `time`.
    public init(_ granularity: ArchiveGranularity, containing time: Int64) {
        self.granularity = granularity
        self.start = granularity.period(containing: time).start
    }

    /// Reads `YYYY-MM` (monthly) or `YYYY-MM-DD` (daily); nil for anything else.
    public init?(name: some StringProtocol) {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 4,
            parts.dropFirst().allSatisfy({ $0.count == 2 }),
            let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month)
        else { return nil }
        let day = parts.count == 3 ? Int(parts[2]) : 1
        guard let day, (1...31).contains(day) else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        // Rejects 2024-02-30 and the like: the date must read back as written.
        guard CivilDate(millis: date.millis) == date else { return nil }
        self.init(parts.count == 2 ? .monthly : .daily, containing: date.millis)
    }

    /// The half-open range of open times the file covers.
    public var range: TimeRange { granularity.period(containing: start) }

    /// `2024-03` or `2024-03-15`.
    public var description: String {
        let date = CivilDate(millis: start)
        let month = "\(date.year)-\(date.month < 10 ? "0" : "")\(date.month)"
        return granularity == .monthly ? month : month + "-\(date.day < 10 ? "0" : "")\(date.day)"
    }

    /// The file of this period for a series.
    public func file(market: Market, symbol: String, interval: Interval, dataset: Dataset = .klines) -> ArchiveFileID {
        ArchiveFileID(
            market: market, granularity: granularity, symbol: symbol, interval: interval, time: start, dataset: dataset)
    }

    public static func < (lhs: ArchivePeriod, rhs: ArchivePeriod) -> Bool {
        (lhs.start, lhs.granularity == .monthly ? 0 : 1) < (rhs.start, rhs.granularity == .monthly ? 0 : 1)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let period = ArchivePeriod(name: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an archive period (YYYY-MM or YYYY-MM-DD)")
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
