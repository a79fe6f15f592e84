import KlineSyncCore
import Testing

@testable import KlineSyncBinance

/// The archive CSV parser: the rows the real archive holds (binance-api.md), headers, microseconds, and every row
/// check REST rows get.
@Suite struct ArchiveCSVParserTests {
    static let day: Int64 = 86_400_000

    func parse(_ text: String, _ interval: String, period: TimeRange, chunk: Int = 1 << 20) throws(ArchiveRowError)
        -> [Bar]
    {
        var parser = ArchiveCSVParser(interval: Interval(name: interval)!, period: period)
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            let result: Result<Void, ArchiveRowError> = bytes[start..<end].withUnsafeBytes { raw in
                Result { () throws(ArchiveRowError) in try parser.feed(raw) }
            }
            try result.get()
            start = end
        }
        try parser.finish()
        return parser.bars
    }

    func month(_ year: Int, _ month: Int) -> TimeRange {
        ArchivePeriod(.monthly, containing: CivilDate(year: year, month: month, day: 1).millis).range
    }

    @Test func readsAUSDMDailyRowAfterItsHeader() throws {
        let csv = """
            open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore
            1735689600000,93548.80,95161.20,92796.50,94580.90,91236.660,1735775999999,8572615379.77510,1804360,45712.481,4296719477.46090,0

            """
        let bars = try parse(csv, "1d", period: month(2025, 1))
        #expect(
            bars == [
                Bar(
                    openTime: 1_735_689_600_000, open: "93548.80", high: "95161.20", low: "92796.50", close: "94580.90",
                    volume: "91236.660", closeTime: 1_735_775_999_999, quoteVolume: "8572615379.77510",
                    trades: 1_804_360, takerBuyBaseVolume: "45712.481", takerBuyQuoteVolume: "4296719477.46090")
            ])
    }

    @Test func readsSpotMicrosecondsAsMilliseconds() throws {
        let csv =
            "1780272000000000,73674.39000000,74092.00000000,70686.68000000,71408.90000000,23921.09184000,"
            + "1780358399999999,1723958338.68287760,4237773,11600.30396000,835109172.11680740,0\n"
        let bars = try parse(csv, "1d", period: month(2026, 6))
        #expect(bars.count == 1)
        #expect(bars[0].openTime == 1_780_272_000_000 && bars[0].closeTime == 1_780_358_399_999)
        #expect(bars[0].quoteVolume == "1723958338.68287760" && bars[0].trades == 4_237_773)
    }

    @Test(arguments: [1, 7, 64, 1 << 20])
    func linesSplitAcrossChunksParseTheSame(chunk: Int) throws {
        let rows = (0..<50).map { i -> String in
            let open = 1_736_351_700_000 + Int64(i) * 60_000
            return "\(open),95261.80,95291.60,95196.20,95223.10,180.760,\(open + 59_999),17214864.01220,3401,124.045,"
                + "11813167.63560,0"
        }
        let text = rows.joined(separator: "\r\n")  // CRLF, and no line feed after the last row
        let bars = try parse(text, "1m", period: month(2025, 1), chunk: chunk)
        #expect(bars.count == 50)
        #expect(bars.map(\.openTime) == (0..<50).map { 1_736_351_700_000 + Int64($0) * 60_000 })
        #expect(bars.last?.takerBuyQuoteVolume == "11813167.63560")
    }

    static let good = "1736351700000,1,2,0.5,1.5,10,1736351759999,15,3,4,6,0"

    @Test(arguments: [
        ("1736351700000,1,2,0.5,1.5,10,1736351759999,15,3,4,6", "11 fields"),
        ("1736351700000,1,2,0.5,1.5,10,1736351759999,15,3,4,6,0,7", "13 fields"),
        ("1736351760001,1,2,0.5,1.5,10,1736351820000,15,3,4,6,0", "grid"),
        ("1736351760000,1,2,0.5,1.5,10,1736351819998,15,3,4,6,0", "close time"),
        ("1736351700000,1,2e3,0.5,1.5,10,1736351759999,15,3,4,6,0", "field 2"),
        ("1736351700000,1,2,0.5,1.5,,1736351759999,15,3,4,6,0", "field 5"),
        ("1736351700000,1,2,0.5,1.5,10,1736351759999,15,-3,4,6,0", "trade count"),
        ("17363517000x0,1,2,0.5,1.5,10,1736351759999,15,3,4,6,0", "open time"),
        ("1738368000000,1,2,0.5,1.5,10,1738368059999,15,3,4,6,0", "outside"),
    ])
    func rejectsABadRowWithItsLine(row: String, expected: String) {
        let text = Self.good + "\n" + row + "\n"
        #expect {
            _ = try parse(text, "1m", period: month(2025, 1))
        } throws: { error in
            guard let error = error as? ArchiveRowError else { return false }
            return error.line == 2 && error.description.contains(expected)
        }
    }

    @Test func rejectsRowsThatDoNotAscend() {
        #expect(throws: ArchiveRowError.self) {
            _ = try parse(Self.good + "\n" + Self.good + "\n", "1m", period: month(2025, 1))
        }
    }

    @Test func aHeaderIsOnlyRecognisedOnTheFirstLine() {
        let header =
            "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore"
        #expect(throws: ArchiveRowError.self) {
            _ = try parse(Self.good + "\n" + header + "\n", "1m", period: month(2025, 1))
        }
        #expect((try? parse(header + "\n" + Self.good + "\n", "1m", period: month(2025, 1)))?.count == 1)
    }
}
