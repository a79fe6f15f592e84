import KlineSyncCore

/// A request path under `/data/` read as an archive file: which file, and whether the zip or its `.CHECKSUM`.
struct ArchiveRequest: Sendable, Hashable {
    /// What the path asks for.
    enum Resource: Sendable, Hashable {
        case zip
        case checksum
    }

    /// The file a path names.
    enum Target: Sendable, Hashable {
        /// A file of one of the four kline datasets.
        case klines(ArchiveFileID)
        /// A monthly funding-rate file.
        case funding(FundingArchiveFile)

        /// The symbol folder of the path: the symbol, or for index-price klines the pair.
        var key: String {
            switch self {
            case .klines(let file): file.symbol
            case .funding(let file): file.symbol
            }
        }

        /// The zip's name.
        var zipName: String {
            switch self {
            case .klines(let file): file.zipName
            case .funding(let file): file.zipName
            }
        }

        /// The zip's path.
        var path: String {
            switch self {
            case .klines(let file): file.path
            case .funding(let file): file.path
            }
        }

        /// The instant from which the file is served, if it has rows.
        func publishedAt(_ publication: ArchivePublication) -> Int64 {
            switch self {
            case .klines(let file): publication.publishedAt(file)
            case .funding(let file): file.publishedAt(publication)
            }
        }
    }

    var target: Target
    var resource: Resource

    /// Whether `path` is in the archive's namespace at all (everything under it that is not a file is a 404).
    static func isArchivePath(_ path: String) -> Bool { path.hasPrefix("/data/") }

    /// Reads `path`; nil for anything that is not a file of `market` in the archive's layout: another market's
    /// folder, a dataset the market does not have (spot has `klines` only), a name that disagrees with its folders,
    /// `1M` instead of `1mo`, a daily file of an interval over `1d`, a daily funding file, an interval the market
    /// does not have, or a period that is not a real date.
    init?(path: String, market: Market) {
        let prefix = "/data/\(ArchiveFileID.folder(of: market))/"
        guard path.hasPrefix(prefix) else { return nil }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 4, let granularity = ArchiveGranularity(rawValue: String(parts[0])) else { return nil }
        var name = parts[parts.count - 1]
        if name.hasSuffix(".CHECKSUM") {
            resource = .checksum
            name = name.dropLast(".CHECKSUM".count)
        } else {
            resource = .zip
        }
        let symbol = parts[2]
        guard !symbol.isEmpty, name.hasSuffix(".zip") else { return nil }
        if parts.count == 4 {
            guard parts[1] == "fundingRate", market.isFutures, granularity == .monthly else { return nil }
            let head = "\(symbol)-fundingRate-"
            guard name.hasPrefix(head),
                let start = Self.periodStart(name.dropFirst(head.count).dropLast(".zip".count), .monthly)
            else { return nil }
            target = .funding(FundingArchiveFile(market: market, symbol: String(symbol), time: start))
            return
        }
        guard parts.count == 5, let dataset = Dataset(endpoint: parts[1]), dataset.isOffered(on: market),
            let interval = ArchiveFileID.interval(pathName: parts[3]), market.intervals.contains(interval),
            granularity.publishes(interval)
        else { return nil }
        let head = "\(symbol)-\(parts[3])-"
        guard name.hasPrefix(head), let start = Self.periodStart(name.dropFirst(head.count).dropLast(4), granularity)
        else { return nil }
        target = .klines(
            ArchiveFileID(
                market: market, granularity: granularity, symbol: String(symbol), interval: interval, time: start,
                dataset: dataset))
    }

    /// `2024-03` (monthly) or `2024-03-15` (daily), zero-padded, as the period's first instant.
    private static func periodStart(_ text: Substring, _ granularity: ArchiveGranularity) -> Int64? {
        let expected = granularity == .monthly ? 7 : 10
        guard text.utf8.count == expected else { return nil }
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == (granularity == .monthly ? 2 : 3),
            fields.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let year = Int(fields[0]), let month = Int(fields[1]), (1...12).contains(month)
        else { return nil }
        let day = granularity == .monthly ? 1 : Int(fields[2]) ?? 0
        guard day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        return CivilDate(year: year, month: month, day: day).millis
    }
}
