import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct SelectionTests {
    let hour: Int64 = 3_600_000

    @Test func withoutTimesTheNewestBarsEndWithTheOpenOne() async throws {
        try await withSimulator(testConfiguration()) { _, client in
            let rows = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1h").rows().map(bar)
            #expect(rows.count == 500)
            #expect(rows.last?.openTime == Interval(name: "1h")!.floor(fixedNow))
        }
    }

    @Test func startTimeSelectsBarsOpeningAtOrAfterIt() async throws {
        try await withSimulator(testConfiguration()) { _, client in
            let aligned = Interval(name: "1h")!.floor(fixedNow) - 100 * hour
            let rows = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1h&startTime=\(aligned + 1)&limit=5")
                .rows().map(bar)
            #expect(rows.first?.openTime == aligned + hour)
            #expect(rows.count == 5)
        }
    }

    @Test func endTimeAloneGivesTheNewestBarsUpToIt() async throws {
        try await withSimulator(testConfiguration()) { _, client in
            let end = Interval(name: "1h")!.floor(fixedNow) - 100 * hour
            let rows = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1h&endTime=\(end)&limit=10").rows().map(
                bar)
            #expect(rows.count == 10)
            #expect(rows.last?.openTime == end)
        }
    }

    @Test func bothTimesAnchorAtStartOnUSDMAndAtEndOnCOINM() async throws {
        let start = Interval(name: "1h")!.floor(fixedNow) - 100 * hour
        let end = start + 50 * hour - 1
        let usdm = try await withSimulator(testConfiguration(.usdm)) { _, c in
            try await c.klines(.usdm, "symbol=BTCUSDT&interval=1h&startTime=\(start)&endTime=\(end)&limit=10").rows()
                .map(bar)
        }
        #expect(usdm.first?.openTime == start && usdm.count == 10)
        let coinm = try await withSimulator(testConfiguration(.coinm)) { _, c in
            try await c.klines(.coinm, "symbol=BTCUSD_PERP&interval=1h&startTime=\(start)&endTime=\(end)&limit=10")
                .rows().map(bar)
        }
        #expect(coinm.last?.openTime == start + 49 * hour && coinm.count == 10)
    }

    @Test func coinMarginedWindowsSpanAtMost200Days() async throws {
        try await withSimulator(testConfiguration(.coinm)) { _, client in
            let day: Int64 = 86_400_000
            let end = fixedNow - 10 * day
            let ok = try await client.klines(
                .coinm, "symbol=BTCUSD_PERP&interval=1d&startTime=\(end - 200 * day)&endTime=\(end)")
            #expect(ok.status == 200)
            let tooLong = try await client.klines(
                .coinm, "symbol=BTCUSD_PERP&interval=1d&startTime=\(end - 200 * day - 1)&endTime=\(end)")
            #expect(tooLong.status == 400)
            #expect((try tooLong.json() as? [String: Any])?["code"] as? Int == -1127)
        }
    }

    @Test(arguments: [Market.spot, .usdm, .coinm])
    func weeklyBarsOpenOnMondayAndMonthlyOnTheFirst(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let symbol = sim.universe[0].symbol
            let weeks = try await client.klines(market, "symbol=\(symbol)&interval=1w&startTime=0&limit=60").rows().map(
                bar)
            for (a, b) in zip(weeks, weeks.dropFirst()) {
                #expect(b.openTime - a.openTime == 7 * 86_400_000)
            }
            for week in weeks {
                let days = week.openTime / 86_400_000
                #expect((days + 3) % 7 == 0, "Monday")
                #expect(week.openTime % 86_400_000 == 0)
            }
            let months = try await client.klines(market, "symbol=\(symbol)&interval=1M&startTime=0&limit=40").rows()
                .map(bar)
            #expect(months.count == 40)
            for (a, b) in zip(months, months.dropFirst()) {
                let date = CivilDate(millis: b.openTime)
                #expect(date.day == 1 && date.hour == 0 && date.minute == 0)
                #expect(a.closeTime == b.openTime - 1)
            }
            let february = months.first { CivilDate(millis: $0.openTime).month == 2 }!
            let length = february.closeTime + 1 - february.openTime
            #expect(length == 28 * 86_400_000 || length == 29 * 86_400_000)
        }
    }

    @Test func outagesRemoveFineBarsButKeepCoarseOnes() async throws {
        let start = Timestamp.parse("2024-03-01T10:00:00Z")!
        let outage = TimeRange(start: start, end: start + 90 * 60_000)  // 10:00–11:30
        var configuration = testConfiguration()
        configuration.outages = [Outage(symbols: "BTC*", range: outage)]
        try await withSimulator(configuration) { sim, client in
            let minutes = try await client.klines(
                .usdm, "symbol=BTCUSDT&interval=1m&startTime=\(start - 5 * 60_000)&limit=20"
            ).rows().map(bar)
            #expect(minutes.count == 20)
            #expect(minutes[4].openTime == start - 60_000)
            #expect(minutes[5].openTime == outage.end)
            let hours = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1h&startTime=\(start - hour)&limit=4")
                .rows().map(bar)
            #expect(hours.map(\.openTime) == [start - hour, start + hour, start + 2 * hour, start + 3 * hour])
            let day = try await client.klines(
                .usdm, "symbol=BTCUSDT&interval=1d&startTime=\(start - 10 * hour)&limit=1"
            ).rows()
            #expect(day.count == 1)
            let inside = try await client.klines(
                .usdm, "symbol=BTCUSDT&interval=1m&startTime=\(start)&endTime=\(outage.end - 1)"
            ).rows()
            #expect(inside.isEmpty)
            let backwards = try await client.klines(
                .usdm, "symbol=BTCUSDT&interval=1m&endTime=\(outage.end - 1)&limit=3"
            ).rows().map(bar)
            #expect(backwards.map(\.openTime) == [start - 3 * 60_000, start - 2 * 60_000, start - 60_000])
            let other = try await client.klines(
                .usdm, "symbol=ETHUSDT&interval=1m&startTime=\(start)&endTime=\(outage.end - 1)"
            ).rows()
            #expect(other.count == 90)
            #expect(sim.expectedBars(symbol: "BTCUSDT", interval: Interval(name: "1m")!, range: outage).isEmpty)
        }
    }
}
