import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Synchronization
import Testing

/// Funding-rate history: rows, paging, intervals, its own rate limit.
@Suite struct FundingTests {
    static let hour: Int64 = 3_600_000

    @Test(arguments: [Market.usdm, .coinm])
    func rowsAreAscendingOnTheHourGridWithEightDecimals(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let symbol = market == .coinm ? "BTCUSD_PERP" : "BTCUSDT"
            let start = fixedNow - 300 * Self.hour
            let answer = try await client.funding(market, "symbol=\(symbol)&startTime=\(start)&limit=1000")
            #expect(answer.status == 200)
            let rows = try answer.fundingRows()
            #expect(rows.count == 300 / 8 + 1 || rows.count == 300 / 8)
            #expect(rows.first.map { $0.fundingTime >= start } == true)
            #expect(rows.last.map { $0.fundingTime <= fixedNow && fixedNow - $0.fundingTime < 8 * Self.hour } == true)
            for (a, b) in zip(rows, rows.dropFirst()) {
                #expect(b.fundingTime / Self.hour - a.fundingTime / Self.hour == 8)
            }
            let objects = try #require(try answer.json() as? [[String: Any]])
            #expect(objects.allSatisfy { $0["symbol"] as? String == symbol })
            var jittered = 0
            for row in rows {
                #expect(row.fundingTime % (8 * Self.hour) < 10, "within 10 ms of the 8-hour grid")
                if row.fundingTime % Self.hour != 0 { jittered += 1 }
                #expect(row.rate.split(separator: ".").last?.count == 8)
                #expect(abs(try decimal(row.rate)) < 0.001)
                #expect(row.markPrice?.split(separator: ".").last?.count == 8)
            }
            #expect(jittered > 0 && jittered < rows.count)
            #expect(rows.contains { $0.rate == "0.00010000" })
            // The mark price is the mark-price signal at the funding time.
            let row = try #require(rows.last)
            let mark = sim.expectedBars(
                dataset: .markPrice, key: symbol, interval: Interval(name: "1m")!,
                range: TimeRange(start: row.fundingTime - row.fundingTime % 60_000, end: row.fundingTime + 1))
            #expect(mark.first?.open == row.markPrice)
            #expect(rows == sim.expectedFundingRates(symbol: symbol, range: TimeRange(start: start, end: fixedNow + 1)))
        }
    }

    @Test func pagingByStartTimeEndTimeAndLimit() async throws {
        try await withSimulator(testConfiguration(.usdm)) { _, client in
            let start = fixedNow - 2000 * Self.hour
            let all = try await client.funding(
                .usdm, "symbol=ETHUSDT&startTime=\(start)&endTime=\(fixedNow)&limit=1000"
            )
            .fundingRows()
            #expect(all.count == 250)
            var paged: [FundingRate] = []
            var from = start
            while true {
                let page = try await client.funding(.usdm, "symbol=ETHUSDT&startTime=\(from)&endTime=\(fixedNow)")
                    .fundingRows()
                #expect(page.count <= 100)
                paged += page
                guard page.count == 100, let last = page.last else { break }
                from = last.fundingTime + 1
            }
            #expect(paged == all)
            // endTime is inclusive; startTime too.
            let one = all[10]
            let exact = try await client.funding(
                .usdm, "symbol=ETHUSDT&startTime=\(one.fundingTime)&endTime=\(one.fundingTime)"
            ).fundingRows()
            #expect(exact == [one])
            // Without times: the newest 100; with endTime only: the newest up to it.
            let latest = try await client.funding(.usdm, "symbol=ETHUSDT").fundingRows()
            #expect(latest == Array(all.suffix(100)))
            let upTo = try await client.funding(.usdm, "symbol=ETHUSDT&endTime=\(one.fundingTime)&limit=5")
                .fundingRows()
            #expect(upTo == Array(all[6...10]))
            for (query, code) in [
                ("symbol=ETHUSDT&limit=1001", -1130), ("symbol=NOPE", -1121), ("limit=5", -1102),
                ("symbol=ETHUSDT&startTime=5&endTime=4", -1023),
            ] {
                let answer = try await client.funding(.usdm, query)
                #expect(answer.status == 400)
                #expect((try answer.json() as? [String: Any])?["code"] as? Int == code, "\(query)")
            }
        }
    }

    @Test(arguments: [Market.usdm, .coinm])
    func deliveryContractsHaveNoFunding(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let quarterly = try #require(sim.universe.first { $0.contractType == "CURRENT_QUARTER" })
            let answer = try await client.funding(market, "symbol=\(quarterly.symbol)&startTime=0&limit=1000")
            #expect(answer.status == 200 && answer.body == Array("[]".utf8))
            #expect(sim.fundingIntervalHours(symbol: quarterly.symbol, at: fixedNow) == nil)
        }
    }

    @Test(arguments: [Market.usdm, .coinm])
    func oneSymbolChangesFromEightToFourHours(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let change = try #require(sim.fundingIntervalChange)
            #expect(change.symbol == (market == .usdm ? "BTCUSDC" : "ETHUSD_PERP"))
            #expect(
                change.at == Timestamp.parse("2024-02-15T00:00:00Z")! && change.fromHours == 8 && change.toHours == 4)
            #expect(sim.fundingIntervalHours(symbol: change.symbol, at: change.at - 1) == 8)
            #expect(sim.fundingIntervalHours(symbol: change.symbol, at: change.at) == 4)
            let start = change.at - 10 * 8 * Self.hour
            let rows = try await client.funding(
                market,
                "symbol=\(change.symbol)&startTime=\(start)&endTime=\(change.at + 40 * Self.hour + 1000)&limit=1000"
            ).fundingRows()
            let hours = rows.map { $0.fundingTime / Self.hour }
            let gaps = zip(hours, hours.dropFirst()).map { $1 - $0 }
            #expect(gaps == Array(repeating: 8, count: 10) + Array(repeating: 4, count: 10))
            #expect(rows.contains { $0.fundingTime / Self.hour == change.at / Self.hour })
            // Others stay on their interval.
            #expect(sim.fundingIntervalHours(symbol: market == .usdm ? "BTCUSDT" : "BTCUSD_PERP", at: fixedNow) == 8)
            if market == .usdm {
                let info = try await client.get("/fapi/v1/fundingInfo")
                let entries = try #require(try info.json() as? [[String: Any]])
                let listed = Dictionary(
                    uniqueKeysWithValues: entries.map {
                        ($0["symbol"] as? String ?? "", $0["fundingIntervalHours"] as? Int)
                    })
                #expect(listed[change.symbol] == 4)
                for instrument in sim.universe where !instrument.isDelisted && instrument.contractType == "PERPETUAL" {
                    let current = sim.fundingIntervalHours(symbol: instrument.symbol, at: fixedNow)
                    #expect((listed[instrument.symbol] ?? 8) == current, "\(instrument.symbol)")
                }
            } else {
                #expect(try await client.get("/dapi/v1/fundingInfo").status == 404)
            }
        }
    }

    @Test func fundingHistoryHasItsOwnLimitOfFiveHundredPerFiveMinutes() async throws {
        let elapsed = Mutex(Duration.zero)
        var configuration = testConfiguration(.usdm, weightLimit: nil)
        configuration.ticks = ElapsedClock(now: { elapsed.withLock { $0 } }, sleep: { _ in })
        try await withSimulator(configuration) { sim, client in
            for i in 0..<500 {
                let path = i % 2 == 0 ? "/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1" : "/fapi/v1/fundingInfo"
                let answer = try await client.get(path)
                try #require(answer.status == 200, "request \(i)")
            }
            #expect(sim.fundingRequests == 500)
            #expect(sim.usedWeight == 0, "funding history weighs nothing")
            let limited = try await client.funding(.usdm, "symbol=BTCUSDT")
            #expect(limited.status == 429)
            #expect((try limited.json() as? [String: Any])?["code"] as? Int == -1003)
            let retryAfter = try #require(Int(limited.header("retry-after") ?? ""))
            #expect((1...300).contains(retryAfter))
            #expect(try await client.get("/fapi/v1/fundingInfo").status == 429)
            // Klines are paced by weight, not by the funding limit.
            #expect(try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=10").status == 200)
            elapsed.withLock { $0 += .seconds(retryAfter) }
            #expect(try await client.funding(.usdm, "symbol=BTCUSDT").status == 200)
            #expect(sim.fundingRequests == 1)
        }
    }
}
