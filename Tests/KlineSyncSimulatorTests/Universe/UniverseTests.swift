import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct UniverseTests {
    @Test(arguments: [Market.spot, .usdm, .coinm])
    func universeHasMajorsRecentListingsAndDelistings(market: Market) async throws {
        try await withSimulator(testConfiguration(market, symbols: 30)) { sim, _ in
            let universe = sim.universe
            #expect(universe.count == 30)
            #expect(Set(universe.map(\.symbol)).count == 30)
            #expect(universe.allSatisfy { Instrument.isValidSymbol($0.symbol) })
            let first = try #require(universe.first)
            #expect(first.symbol == (market == .coinm ? "BTCUSD_PERP" : "BTCUSDT"))
            #expect(CivilDate(millis: first.listingTime).year <= 2020)
            let recent = universe.filter { fixedNow - $0.listingTime < 10 * 86_400_000 }
            #expect(!recent.isEmpty)
            let delisted = universe.filter(\.isDelisted)
            #expect(!delisted.isEmpty)
            #expect(delisted.allSatisfy { $0.status == (market == .spot ? "BREAK" : "SETTLING") })
            #expect(Set(universe.map(\.quoteAsset)).count >= (market == .coinm ? 1 : 2))
            if market.isFutures {
                #expect(universe.contains { $0.contractType == "CURRENT_QUARTER" })
                #expect(universe.contains { $0.contractType == "NEXT_QUARTER" })
            }
            #expect(universe.prefix(3).allSatisfy { !$0.symbol.hasPrefix("SIM") })
        }
    }

    @Test func generatedNamesFollowTheMajors() async throws {
        try await withSimulator(testConfiguration(.usdm, symbols: 60)) { sim, _ in
            #expect(sim.universe.contains { $0.symbol == "SIM001USDT" })
        }
    }

    @Test func newlyListedSymbolsStartAtTheirListing() async throws {
        try await withSimulator(testConfiguration(.usdm, symbols: 30)) { sim, client in
            let recent = try #require(sim.universe.first { fixedNow - $0.listingTime < 10 * 86_400_000 })
            let hours = try await client.klines(.usdm, "symbol=\(recent.symbol)&interval=1h&startTime=0&limit=1500")
                .rows().map(bar)
            #expect(hours.first?.openTime == Interval(name: "1h")!.floor(recent.listingTime))
            #expect(hours.count < 1500)
            #expect(
                hours.count
                    == Int(
                        Interval(name: "1h")!.count(
                            from: Interval(name: "1h")!.floor(recent.listingTime), to: fixedNow + 1)))
            // Asking for more history than exists answers with the first bar later than asked.
            let asked = fixedNow - 30 * 86_400_000
            let daily = try await client.klines(
                .usdm, "symbol=\(recent.symbol)&interval=1d&startTime=\(asked)&limit=30"
            ).rows().map(bar)
            #expect(daily.first!.openTime > asked)
            #expect(daily.count < 30)
        }
    }

    @Test(arguments: [Market.spot, .usdm, .coinm])
    func delistedSymbolsHaveNoBarsAfterTheDelisting(market: Market) async throws {
        try await withSimulator(testConfiguration(market, symbols: 30)) { sim, client in
            let gone = try #require(sim.universe.first { $0.isDelisted })
            let delisting = try #require(gone.delistingTime)
            let latest = try await client.klines(market, "symbol=\(gone.symbol)&interval=1h&limit=5").rows().map(bar)
            #expect(latest.count == 5)
            #expect(latest.last!.openTime < delisting)
            #expect(latest.last!.openTime == Interval(name: "1h")!.floor(delisting - 1))
            let after = try await client.klines(market, "symbol=\(gone.symbol)&interval=1m&startTime=\(delisting)")
                .rows()
            #expect(after.isEmpty)
            let info = try #require(try await client.get(market.pathPrefix + "/exchangeInfo").json() as? [String: Any])
            let entry = try #require(
                (info["symbols"] as? [[String: Any]])?.first { $0["symbol"] as? String == gone.symbol })
            #expect((entry[market == .coinm ? "contractStatus" : "status"] as? String) == gone.status)
            if market.isFutures {
                #expect((entry["deliveryDate"] as? NSNumber)?.int64Value == delisting)
            }
            #expect(gone.instrument.status == .delisted)
        }
    }

    @Test func quarterlyDeliveriesAreLastFridaysOfTheQuarter() async throws {
        try await withSimulator(testConfiguration(.coinm, symbols: 6)) { sim, _ in
            let quarterlies = sim.universe.filter { $0.contractType?.hasSuffix("QUARTER") == true }
            #expect(quarterlies.map(\.symbol).contains("BTCUSD_240329"))
            #expect(quarterlies.map(\.symbol).contains("BTCUSD_240628"))
            for q in quarterlies {
                let d = CivilDate(millis: q.deliveryDate)
                #expect(d.month % 3 == 0 && d.hour == 8 && d.day + 7 > CivilDate.daysIn(month: d.month, year: d.year))
                #expect((q.deliveryDate / 86_400_000 + 3) % 7 == 4, "Friday")
            }
        }
    }

    @Test(arguments: [
        ("2024-01-01", SimulatorClock.fixed(1_704_067_200_000)),
        ("2024-01-01T00:00:01Z", .fixed(1_704_067_201_000)),
        ("-2h", .offset(-7_200_000)),
        ("+30m", .offset(1_800_000)),
        ("now", .real),
    ])
    func nowFlagParses(text: String, clock: SimulatorClock) {
        #expect(SimulatorClock.parse(text) == clock)
    }

    @Test func badNowFlagIsRejected() {
        #expect(SimulatorClock.parse("yesterday") == nil)
        #expect(SimulatorClock.parse("-2x") == nil)
    }
}
