import KlineSyncCore

/// A request path under `/data/` read as an archive file: which file, and whether the zip or its `.CHECKSUM`.
struct ArchiveRequest: Sendable, Hashable {
    /// What the path asks for.
    enum Resource: Sendable, Hashable {
        case zip
        case checksum
    }

    var file: ArchiveFileID
    var resource: Resource

    /// Whether `path` is in the archive's namespace at all (everything under it that is not a file is a 404).
    static func isArchivePath(_ path: String) -> Bool { path.hasPrefix("/data/") }

    /// Reads `path`; nil for anything that is not a kline file of `market` in the archive's layout: another
    /// market's folder, another dataset, a name that disagrees with its folders, `1M` instead of `1mo`, a daily
    /// file of an interval over `1d`, an interval the market does not have, or a period that is not a real date.
    init?(path: String, market: Market) {
        let prefix = "/data/\(ArchiveFileID.folder(of: market))/"
        guard path.hasPrefix(prefix) else { return nil }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "klines", let granularity = ArchiveGranularity(rawValue: String(parts[0]))
        else { return nil }
        let symbol = parts[2]
        guard !symbol.isEmpty, let interval = ArchiveFileID.interval(pathName: parts[3]),
            market.intervals.contains(interval), granularity.publishes(interval)
        else { return nil }
        var name = parts[4]
        if name.hasSuffix(".CHECKSUM") {
            resource = .checksum
            name = name.dropLast(".CHECKSUM".count)
        } else {
            resource = .zip
        }
        let head = "\(symbol)-\(parts[3])-"
        guard name.hasPrefix(head), name.hasSuffix(".zip") else { return nil }
        let date = name.dropFirst(head.count).dropLast(".zip".count)
        guard let start = Self.periodStart(date, granularity) else { return nil }
        file = ArchiveFileID(
            market: market, granularity: granularity, symbol: String(symbol), interval: interval, time: start)
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
