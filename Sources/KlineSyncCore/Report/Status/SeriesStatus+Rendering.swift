import Foundation

/// The JSON document of `klinesync status --json`.
public struct StatusDocument: Codable, Sendable, Hashable {
    /// Always `"1"` for this layout.
    public var formatVersion: String
    public var market: Market
    /// The store, fit to print (passwords redacted).
    public var database: String
    /// Digest over every series digest (`StatusReport.datasetDigest`).
    public var datasetDigest: String
    public var series: [SeriesStatus]
    /// The stored funding histories; nil (omitted) when there are none.
    public var funding: [FundingStatus]?
    /// With `--verify` only: the recount of every series from its bars.
    public var verify: StatusVerification?

    /// Creates the document of `series` and `funding`, computing the dataset digest.
    public init(
        market: Market, database: String, series: [SeriesStatus], funding: [FundingStatus] = [],
        verify: StatusVerification? = nil
    ) {
        self.formatVersion = "1"
        self.market = market
        self.database = database
        self.datasetDigest = StatusReport.datasetDigest(series, funding: funding)
        self.series = series
        self.funding = funding.isEmpty ? nil : funding
        self.verify = verify
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case market, database
        case datasetDigest = "dataset_digest"
        case series, funding, verify
    }
}

extension StatusReport {
    /// Column titles of the text table.
    static let headers = ["SYMBOL", "INTERVAL", "FIRST", "LAST", "BARS", "GAPS", "MISSING", "FLOOR", "DIGEST"]
    /// Hex characters of a series digest shown in the table (the JSON carries all 64).
    static let shortDigestLength = 16

    /// An aligned plain-text table, one row per series, and a closing line with the totals and dataset digest.
    ///
    /// An empty list prints the header and `no series stored`.
    public static func renderText(_ series: [SeriesStatus], funding: [FundingStatus] = []) -> String {
        let rows = series.map { status -> [String] in
            [
                status.symbol,
                status.interval.name + (status.dataset == .klines ? "" : " \(status.dataset.rawValue)"),
                status.firstOpenTime.map(Timestamp.short) ?? "-",
                status.lastOpenTime.map(Timestamp.short) ?? "-", String(status.bars), String(status.gaps),
                String(status.missingBars), status.listingFloor.map(Timestamp.short) ?? "-",
                String(status.digest.prefix(shortDigestLength)),
            ]
        }
        let numeric: Set<Int> = [4, 5, 6]
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell in
                let fill = String(repeating: " ", count: widths[column] - cell.count)
                return numeric.contains(column) ? fill + cell : cell + fill
            }
            return padded.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var lines = [line(headers)]
        if rows.isEmpty {
            lines.append("no series stored")
        } else {
            lines += rows.map(line)
        }
        if !funding.isEmpty {
            lines.append("")
            lines += fundingTable(funding)
        }
        if !rows.isEmpty || !funding.isEmpty {
            let bars = series.reduce(Int64(0)) { $0 + $1.bars }
            let gapped = series.filter { $0.gaps > 0 }.count
            var total = "\(series.count) series, \(bars) bars, \(gapped) with gaps"
            if !funding.isEmpty {
                let events = funding.reduce(Int64(0)) { $0 + $1.events }
                total += "; funding of \(funding.count) symbol\(funding.count == 1 ? "" : "s"), \(events) events"
            }
            lines.append("")
            lines.append("\(total); dataset digest \(datasetDigest(series, funding: funding))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The funding table: one row per symbol with its events, first and last funding time, the checked range and
    /// the digest.
    static func fundingTable(_ funding: [FundingStatus]) -> [String] {
        let titles = ["FUNDING", "FIRST", "LAST", "EVENTS", "CHECKED UNTIL", "DIGEST"]
        let rows = funding.map { status -> [String] in
            [
                status.symbol, status.firstFundingTime.map(Timestamp.short) ?? "-",
                status.lastFundingTime.map(Timestamp.short) ?? "-", String(status.events),
                status.checkedUntil ?? "-", String(status.digest.prefix(shortDigestLength)),
            ]
        }
        var widths = titles.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return ([titles] + rows).map { cells in
            cells.enumerated().map { column, cell in
                let fill = String(repeating: " ", count: widths[column] - cell.count)
                return column == 3 ? fill + cell : cell + fill
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    /// The `status --json` document: `format_version` "1", the market, the database, the dataset digest and
    /// every series, pretty-printed with sorted keys.
    /// With `verify`, the document carries the `verify` object too.
    public static func renderJSON(
        _ series: [SeriesStatus], funding: [FundingStatus] = [], market: Market, database: String,
        verify: StatusVerification? = nil
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(
            StatusDocument(market: market, database: database, series: series, funding: funding, verify: verify))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
