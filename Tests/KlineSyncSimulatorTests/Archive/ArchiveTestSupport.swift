import Crypto
import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing
import ZIPFoundation

/// An archive file unzipped and read as the real archive writes it.
struct UnzippedCSV {
    /// The zip's one entry name.
    var name: String
    /// Whether the first line is the futures header row.
    var header: String?
    /// Whether the times are in microseconds (checked on every row: all or none).
    var microseconds: Bool
    /// The rows as bars, times in ms.
    var bars: [Bar]
}

extension HTTPAnswer {
    /// Lower-case hex SHA-256 of the body.
    var sha256: String { SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined() }

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The name and text of the zip's one entry.
    func csvText() throws -> (name: String, text: String) {
        let archive = try Archive(data: Data(body), accessMode: .read)
        let entries = Array(archive)
        try #require(entries.count == 1)
        #expect(entries[0].type == .file)
        var data = Data()
        _ = try archive.extract(entries[0]) { data.append($0) }
        return (entries[0].path, String(decoding: data, as: UTF8.self))
    }

    /// The body unzipped: exactly one entry, one CSV of 12-column rows.
    func unzipped() throws -> UnzippedCSV {
        let (name, text) = try csvText()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the CSV ends with a line feed")
        lines.removeLast()
        var header: String?
        if let first = lines.first, first.first.map({ !$0.isNumber }) ?? false {
            header = String(first)
            lines.removeFirst()
        }
        var micros: Bool?
        var bars: [Bar] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 12, "row '\(line)'")
            #expect(f[11] == "0")
            var open = try #require(Int64(f[0]))
            var close = try #require(Int64(f[6]))
            let isMicros = open > 100_000_000_000_000
            #expect(micros == nil || micros == isMicros)
            micros = isMicros
            if isMicros {
                #expect(open % 1000 == 0 && close % 1000 == 999)
                open /= 1000
                close /= 1000
            }
            bars.append(
                Bar(
                    openTime: open, open: f[1], high: f[2], low: f[3], close: f[4], volume: f[5], closeTime: close,
                    quoteVolume: f[7], trades: try #require(Int64(f[8])), takerBuyBaseVolume: f[9],
                    takerBuyQuoteVolume: f[10]))
        }
        return UnzippedCSV(name: name, header: header, microseconds: micros ?? false, bars: bars)
    }
}

extension SimClient {
    /// A file of the archive.
    func archive(_ file: ArchiveFileID) async throws -> HTTPAnswer { try await get(file.path) }

    /// A file's `.CHECKSUM`.
    func checksum(_ file: ArchiveFileID) async throws -> HTTPAnswer { try await get(file.checksumPath) }

    /// The closed bars REST serves for `symbol` at `interval` opening in `range`, paged with exact windows.
    func restBars(_ market: Market, _ symbol: String, _ interval: Interval, _ range: TimeRange) async throws -> [Bar] {
        var bars: [Bar] = []
        var start = interval.ceil(range.start)
        let limit = market.maxKlineLimit
        while start < range.end {
            let end = min(interval.advance(start, by: Int64(limit)), range.end) - 1
            let answer = try await klines(
                market, "symbol=\(symbol)&interval=\(interval.name)&startTime=\(start)&endTime=\(end)&limit=\(limit)")
            try #require(answer.status == 200, "\(answer.text)")
            bars += try answer.rows().map(bar)
            start = end + 1
        }
        return bars
    }
}

/// A market's long-listed symbol (listed 2017–2020 in every universe).
func major(_ market: Market) -> String { market == .coinm ? "BTCUSD_PERP" : "BTCUSDT" }

/// The archive file of `market`'s major at `interval` for the period containing `time`.
func archiveFile(
    _ market: Market, _ granularity: ArchiveGranularity, _ interval: String, _ time: String, symbol: String? = nil
) -> ArchiveFileID {
    ArchiveFileID(
        market: market, granularity: granularity, symbol: symbol ?? major(market), interval: Interval(name: interval)!,
        time: Timestamp.parse(time)!)
}
