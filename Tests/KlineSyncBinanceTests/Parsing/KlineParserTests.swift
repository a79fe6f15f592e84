import Foundation
import KlineSyncCore
import Testing

@testable import KlineSyncBinance

/// The single page that asks for `bars` bars from `start` (fewer than 500).
func onePage(_ interval: Interval, from start: Int64, bars: Int64) -> Page {
    Paging.pages(
        market: .usdm, interval: interval, range: TimeRange(start: start, end: interval.advance(start, by: bars)))[0]
}

@Suite struct KlineParserTests {
    @Test func parsesRecordedSpotKlines() throws {
        let bars = try KlineParser.parse(Fixtures.bytes("nautilus_spot_klines_BTCUSDT_1m_2021-10-22.json"))
        #expect(bars.count == 10)
        let first = try #require(bars.first)
        #expect(first.openTime == 1_634_943_780_000)
        #expect(first.open == "60685.22000000")
        #expect(first.high == "60729.84000000")
        #expect(first.low == "60670.90000000")
        #expect(first.close == "60719.27000000")
        #expect(first.volume == "21.63272000")
        #expect(first.closeTime == 1_634_943_839_999)
        #expect(first.quoteVolume == "1313200.01340410")
        #expect(first.trades == 617)
        #expect(first.takerBuyBaseVolume == "12.28492000")
        #expect(first.takerBuyQuoteVolume == "745719.41022840")
        let oneMinute = try #require(Interval(name: "1m"))
        let page = onePage(oneMinute, from: first.openTime, bars: 10)
        #expect(KlineValidator.problem(in: bars, interval: oneMinute, page: page) == nil)
    }

    @Test func parsesDocumentationExampleWithNonZeroField11() throws {
        let bars = try KlineParser.parse(Fixtures.bytes("nautilus_fapi_klines_doc_example.json"))
        #expect(bars.count == 1)
        #expect(bars[0].openTime == 1_499_040_000_000)
        #expect(bars[0].closeTime == 1_499_644_799_999)
        #expect(bars[0].takerBuyQuoteVolume == "28.46694368")
        #expect(bars[0].trades == 308)
        // 2017-07-03 is a Monday and the bar spans 7 days: a 1w bar.
        let week = try #require(Interval(name: "1w"))
        let page = onePage(week, from: 1_499_040_000_000, bars: 1)
        #expect(KlineValidator.problem(in: bars, interval: week, page: page) == nil)
    }

    @Test func rejectsTheErrorBodyFixture() throws {
        #expect(throws: KlineParseError.self) {
            try KlineParser.parse(Fixtures.bytes("binance_spot_docs_error_example.json"))
        }
    }

    @Test func everyFixtureIsCovered() {
        #expect(Fixtures.all.count == 5, "a new fixture needs a parser test: \(Fixtures.all)")
    }

    @Test func acceptsWhitespaceEmptyArraysAndNumericField11() throws {
        #expect(try KlineParser.parse(Array(" [ ] \n".utf8)).isEmpty)
        let text = " [ [ 60000 , \"1\" , \"2.5\" ,\"1\",\"1\",\"0\",119999,\"0\",0,\"0\",\"0\", 12.5e3 ] ]\r\n"
        let bars = try KlineParser.parse(Array(text.utf8))
        #expect(bars.count == 1 && bars[0].high == "2.5" && bars[0].closeTime == 119_999)
    }

    @Test(arguments: [
        ("", "unexpected end of body"),
        ("{\"code\":-1121}", "expected '[' opening the klines array"),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\"]]",
            "row has only 11 fields, expected 12 (row 0, field 10"
        ),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\",\"0\"]]",
            "more than 12 fields in a row (row 0"
        ),
        (
            "[[1,1.5,\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]]",
            "expected a decimal string, found '1' (row 0, field 1"
        ),
        (
            "[[1,\"1e5\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]]",
            "invalid character 'e' in a decimal string (row 0, field 1"
        ),
        (
            "[[1,\"\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]]",
            "empty or non-numeric decimal string (row 0, field 1"
        ),
        (
            "[[\"1\",\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]]",
            "expected an integer, found '\"' (row 0, field 0"
        ),
        ("[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2.5,\"1\",3,\"1\",\"1\",\"0\"]]", "fractional number (row 0, field 6"),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",99999999999999999999,\"1\",3,\"1\",\"1\",\"0\"]]",
            "integer out of range (row 0, field 6"
        ),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",-3,\"1\",\"1\",\"0\"]]",
            "expected an integer, found '-' (row 0, field 8"
        ),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",null]]",
            "expected a string or a number, found 'n' (row 0, field 11"
        ),
        ("[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]", "expected ',' or ']' after a row"),
        ("[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]] x", "unexpected data after the klines array"),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"],[1,\"1\",\"1\",\"1",
            "unexpected end of body inside a string (row 1, field 3"
        ),
        (
            "[[1,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"] [",
            "expected ',' or ']' after row 0, found '['"
        ),
        ("[[01,\"1\",\"1\",\"1\",\"1\",\"1\",2,\"1\",3,\"1\",\"1\",\"0\"]]", "leading zero (row 0, field 0"),
    ])
    func rejectsMalformedBodiesPrecisely(body: String, expected: String) {
        do {
            let bars = try KlineParser.parse(Array(body.utf8))
            Issue.record("parsed \(bars.count) bars from \(body)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test func parsesSyntheticPagesLikeFoundationDoes() throws {
        let interval = try #require(Interval(name: "1h"))
        let opens = (0..<1000).map { Int64(1_700_000_000_000 / 3_600_000 + $0) * 3_600_000 }
        let body = SyntheticKlines.body(symbol: "BTCUSDT", interval: interval, openTimes: opens)
        let bars = try KlineParser.parse(Array(body.utf8))
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[Any]])
        #expect(bars.count == reference.count)
        for (bar, row) in zip(bars, reference) {
            #expect(bar.openTime == (row[0] as? NSNumber)?.int64Value)
            #expect(bar.close == row[4] as? String)
            #expect(bar.takerBuyQuoteVolume == row[10] as? String)
        }
    }
}

@Suite struct KlineValidatorTests {
    let hour = Interval(name: "1h")!
    let start: Int64 = 1_700_000_000_000 / 3_600_000 * 3_600_000

    func bar(_ open: Int64, close: Int64? = nil) -> Bar {
        Bar(
            openTime: open, open: "1", high: "1", low: "1", close: "1", volume: "1",
            closeTime: close ?? open + 3_600_000 - 1, quoteVolume: "1", trades: 1, takerBuyBaseVolume: "1",
            takerBuyQuoteVolume: "1")
    }

    var page: Page { onePage(hour, from: start, bars: 3) }

    @Test func acceptsAGapInsideTheWindow() {
        #expect(
            KlineValidator.problem(in: [bar(start), bar(start + 2 * 3_600_000)], interval: hour, page: page) == nil)
    }

    @Test(arguments: [
        ("off grid", [Int64(1)], "not on the 1h grid"),
        ("descending", [Int64(3_600_000), 0], "does not ascend"),
        ("duplicate", [Int64(0), 0], "does not ascend"),
        ("before window", [Int64(-3_600_000)], "outside the window"),
        ("after window", [Int64(3 * 3_600_000)], "outside the window"),
    ])
    func rejectsBadOpenTimes(name: String, offsets: [Int64], expected: String) {
        let problem = KlineValidator.problem(in: offsets.map { bar(start + $0) }, interval: hour, page: page)
        #expect(problem?.contains(expected) == true, "\(name): \(problem ?? "nil")")
    }

    @Test func rejectsAWrongCloseTime() {
        let problem = KlineValidator.problem(in: [bar(start, close: start + 3_600_000)], interval: hour, page: page)
        #expect(problem?.contains("close time") == true)
    }

    @Test func checksCalendarMonthCloseTimes() throws {
        let month = try #require(Interval(name: "1M"))
        let feb = CivilDate(year: 2024, month: 2, day: 1).millis
        let mar = CivilDate(year: 2024, month: 3, day: 1).millis
        let page = onePage(month, from: feb, bars: 1)
        #expect(KlineValidator.problem(in: [bar(feb, close: mar - 1)], interval: month, page: page) == nil)
        #expect(
            KlineValidator.problem(in: [bar(feb, close: feb + 31 * 86_400_000 - 1)], interval: month, page: page) != nil
        )
    }
}
