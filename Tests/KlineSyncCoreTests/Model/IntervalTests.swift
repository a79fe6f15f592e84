import Testing

@testable import KlineSyncCore

struct IntervalTests {
    let h4 = Interval(name: "4h")!
    let w1 = Interval(name: "1w")!
    let mo = Interval(name: "1M")!

    func t(_ text: String) -> Int64 { Timestamp.parse(text)! }

    @Test func namesAreCaseSensitive() {
        #expect(Interval(name: "1m")?.fixedMillis == 60_000)
        #expect(Interval(name: "1M")?.isMonthly == true)
        #expect(Interval(name: "1H") == nil)
        #expect(Interval.all.count == 16)
        #expect(!Market.usdm.intervals.contains(Interval(name: "1s")!))
        #expect(Market.spot.intervals.contains(Interval(name: "1s")!))
    }

    @Test func fixedGrid() {
        #expect(h4.floor(t("2024-01-01T05:30:00Z")) == t("2024-01-01T04:00:00Z"))
        #expect(h4.ceil(t("2024-01-01T05:30:00Z")) == t("2024-01-01T08:00:00Z"))
        #expect(h4.count(from: t("2024-01-01"), to: t("2024-01-02")) == 6)
        #expect(h4.closeTime(ofBarOpeningAt: t("2024-01-01")) == t("2024-01-01T03:59:59.999Z"))
    }

    @Test func weeksOpenOnMonday() {
        // 2024-01-03 is a Wednesday; its week opened Monday 2024-01-01.
        #expect(w1.floor(t("2024-01-03T12:00:00Z")) == t("2024-01-01"))
        #expect(w1.next(t("2024-01-01")) == t("2024-01-08"))
        #expect(w1.isAligned(t("2024-01-01")))
        #expect(!w1.isAligned(t("2024-01-04")))
        #expect(w1.floor(t("1970-01-01")) == t("1969-12-29"))
    }

    @Test func monthsAreCalendarExact() {
        #expect(mo.floor(t("2024-02-29T23:59:59Z")) == t("2024-02-01"))
        #expect(mo.next(t("2024-01-01")) == t("2024-02-01"))
        #expect(mo.next(t("2024-12-01")) == t("2025-01-01"))
        #expect(mo.previous(t("2024-01-01")) == t("2023-12-01"))
        #expect(mo.advance(t("2024-03-01"), by: -14) == t("2023-01-01"))
        #expect(mo.closeTime(ofBarOpeningAt: t("2024-02-01")) == t("2024-02-29T23:59:59.999Z"))
        #expect(mo.count(from: t("2023-11-01"), to: t("2024-03-01")) == 4)
        #expect(mo.count(from: t("2023-11-15"), to: t("2024-03-01")) == 3)
    }

    @Test func civilDateRoundTrip() {
        for millis: Int64 in [0, -1, 951_782_400_000, 1_709_251_199_999, 4_133_404_800_000, -86_400_001] {
            #expect(CivilDate(millis: millis).millis == millis)
        }
    }

    @Test func timestampParsing() {
        #expect(Timestamp.parse("2024-01-01") == 1_704_067_200_000)
        #expect(Timestamp.parse("2024-01-01T01:00:00+01:00") == 1_704_067_200_000)
        #expect(Timestamp.parse("2024-01-01T00:00:00.5Z") == 1_704_067_200_500)
        #expect(Timestamp.parse("2024-02-30") == nil)
        #expect(Timestamp.parse("2024-01-01T00:00:00") == nil)
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.format(1_704_067_200_500) == "2024-01-01T00:00:00.500Z")
        #expect(Timestamp.short(1_704_081_600_000) == "2024-01-01 04:00")
    }
}

struct PagingTests {
    let day: Int64 = 86_400_000

    @Test func futuresPagesMinimiseWeight() {
        let h1 = Interval(name: "1h")!
        // 2000 bars: four pages of 499 (weight 2 each) and a tail of 4 (weight 1) = 9, less than 2×1000 (10).
        let range = TimeRange(start: 0, end: 2000 * 3_600_000)
        let pages = Paging.pages(market: .usdm, interval: h1, range: range)
        #expect(pages.map(\.limit) == [499, 499, 499, 499, 4])
        #expect(pages.map(\.weight).reduce(0, +) == 9)
        #expect(pages[0].startTime == 0 && pages[0].endTime == 499 * 3_600_000 - 1)
        #expect(pages[1].startTime == 499 * 3_600_000)
        let cost = Paging.cost(market: .usdm, interval: h1, range: range)
        #expect(cost.requests == 5 && cost.weight == 9)
    }

    @Test func spotUsesFullPages() {
        let m1 = Interval(name: "1m")!
        let range = TimeRange(start: 0, end: 2500 * 60_000)
        let pages = Paging.pages(market: .spot, interval: m1, range: range)
        #expect(pages.map(\.limit) == [1000, 1000, 500])
        #expect(pages.map(\.weight) == [2, 2, 2])
        #expect(Paging.cost(market: .spot, interval: m1, range: range) == (3, 6))
    }

    @Test func coinmWindowsStayWithin200Days() {
        let d1 = Interval(name: "1d")!
        let pages = Paging.pages(market: .coinm, interval: d1, range: TimeRange(start: 0, end: 450 * day))
        #expect(pages.map(\.limit) == [200, 200, 50])
        for page in pages { #expect(page.endTime - page.startTime < 200 * day + 1) }
        let mo = Interval(name: "1M")!
        let months = Paging.pages(
            market: .coinm, interval: mo,
            range: TimeRange(start: Timestamp.parse("2020-01-01")!, end: Timestamp.parse("2021-03-01")!))
        #expect(months.map(\.limit) == [6, 6, 2])
        for page in months { #expect(page.endTime - page.startTime <= 200 * day) }
    }

    @Test func calendarPagesAreExact() {
        let mo = Interval(name: "1M")!
        let start = Timestamp.parse("2023-11-01")!
        let pages = Paging.pages(
            market: .usdm, interval: mo, range: TimeRange(start: start, end: Timestamp.parse("2024-03-01")!))
        #expect(pages.count == 1)
        #expect(pages[0].limit == 4 && pages[0].weight == 1)
        #expect(pages[0].endTime == Timestamp.parse("2024-02-29T23:59:59.999Z")!)
    }

    @Test func fewestRequestsCutsEqualPagesOfAtMost1500() {
        let h1 = Interval(name: "1h")!
        let cases: [(bars: Int64, limits: [Int], weight: Int)] = [
            (2000, [1000, 1000], 10), (3000, [1500, 1500], 20), (1001, [1001], 10), (1000, [1000], 5),
            (3001, [1001, 1000, 1000], 20), (99, [99], 1), (4501, [1126, 1125, 1125, 1125], 40),
        ]
        for (bars, limits, weight) in cases {
            let range = TimeRange(start: 0, end: bars * 3_600_000)
            let pages = Paging.pages(market: .usdm, interval: h1, range: range, mode: .fewestRequests)
            #expect(pages.map(\.limit) == limits, "\(bars) bars")
            #expect(pages.map(\.weight).reduce(0, +) == weight, "\(bars) bars")
            // Back to back, covering the range exactly.
            #expect(pages.first?.startTime == 0 && pages.last.map { $0.endTime + 1 } == range.end)
            for (a, b) in zip(pages, pages.dropFirst()) { #expect(a.endTime + 1 == b.startTime) }
            let cost = Paging.cost(market: .usdm, interval: h1, range: range, mode: .fewestRequests)
            #expect(cost.requests == limits.count && cost.weight == weight, "\(bars) bars")
        }
        // COIN-M keeps its 200-day windows, spot its 1000-bar pages.
        let d1 = Interval(name: "1d")!
        #expect(
            Paging.pages(
                market: .coinm, interval: d1, range: TimeRange(start: 0, end: 450 * day), mode: .fewestRequests
            )
            .map(\.limit) == [150, 150, 150])
        #expect(
            Paging.pages(
                market: .spot, interval: h1, range: TimeRange(start: 0, end: 2500 * 3_600_000), mode: .fewestRequests
            )
            .map(\.limit) == [834, 833, 833])
    }

    @Test func weightsFollowDocumentedSteps() {
        #expect(
            [1, 99, 100, 499, 500, 1000, 1001, 1500].map { Market.usdm.klineWeight(limit: $0) } == [
                1, 1, 2, 2, 5, 5, 10, 10,
            ])
        #expect(Market.spot.klineWeight(limit: 1000) == 2)
    }
}

struct DecimalTextTests {
    @Test(arguments: [
        ("1.50000000", "1.5"), ("0.00000000", "0"), ("007", "7"), ("100", "100"), ("100.0", "100"),
        ("-0.0", "0"), ("-1.2300", "-1.23"), (".5", "0.5"), ("0.00001000", "0.00001"),
    ])
    func canonicalForm(_ input: String, _ expected: String) {
        #expect(DecimalText.canonical(input) == expected)
    }

    @Test func validation() {
        #expect(DecimalText.isValid("123.456"))
        #expect(DecimalText.isValid("-1"))
        #expect(!DecimalText.isValid("1e5"))
        #expect(!DecimalText.isValid("1.2.3"))
        #expect(!DecimalText.isValid(""))
        #expect(!DecimalText.isValid("-"))
        #expect(!DecimalText.isValid("NaN"))
    }

    @Test func digestIgnoresTrailingZerosOnly() {
        func bar(_ close: String) -> Bar {
            Bar(
                openTime: 0, open: "1", high: "2", low: "0.5", close: close, volume: "10", closeTime: 59_999,
                quoteVolume: "15", trades: 3, takerBuyBaseVolume: "5", takerBuyQuoteVolume: "7.5")
        }
        let a = DigestBuilder()
        a.add(bar("1.50"))
        let b = DigestBuilder()
        b.add(bar("1.5"))
        let c = DigestBuilder()
        c.add(bar("1.51"))
        let da = a.finish()
        #expect(da == b.finish())
        #expect(da != c.finish())
        #expect(da.count == 64)
    }
}
