import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct EstablishedUniverseTests {
    /// A fixed-clock configuration of the established universe.
    func established(_ market: Market, symbols: Int) -> SimulatorConfiguration {
        var configuration = testConfiguration(market, symbols: symbols)
        configuration.universe = .established
        return configuration
    }

    /// The open time of the first of the `count` closed bars before the clock.
    func firstOfLast(_ count: Int64, _ interval: Interval) -> Int64 {
        interval.floor(fixedNow) - count * interval.fixedMillis!
    }

    /// The symbols of an exchangeInfo answer.
    func exchangeInfoSymbols(_ client: SimClient, _ market: Market) async throws -> [[String: Any]] {
        let info = try #require(try await client.get(market.pathPrefix + "/exchangeInfo").json() as? [String: Any])
        return try #require(info["symbols"] as? [[String: Any]])
    }

    @Test func usdmListsExactlyTheAskedNumberOfTradingUsdtPerpetuals() async throws {
        try await withSimulator(established(.usdm, symbols: 500)) { sim, client in
            let symbols = try await exchangeInfoSymbols(client, .usdm)
            #expect(symbols.count == 500)
            #expect(Set(symbols.compactMap { $0["symbol"] as? String }).count == 500)
            #expect(symbols.allSatisfy { $0["status"] as? String == "TRADING" })
            #expect(symbols.allSatisfy { $0["contractType"] as? String == "PERPETUAL" })
            #expect(symbols.allSatisfy { $0["quoteAsset"] as? String == "USDT" })
            #expect(
                symbols.allSatisfy {
                    ($0["deliveryDate"] as? NSNumber)?.int64Value == Universe.perpetualDeliveryPlaceholder
                })
            #expect(sim.universe.first?.symbol == "BTCUSDT")
            #expect(sim.universe.allSatisfy { !$0.isDelisted && Instrument.isValidSymbol($0.symbol) })
            // Old enough for 2000 daily bars, hence for 2000 bars of every shorter interval.
            let daily = Interval(name: "1d")!
            #expect(sim.universe.allSatisfy { $0.listingTime < firstOfLast(2000, daily) })
            // Every symbol's 2000th-last 4h bar is served where it was asked for.
            let fourHours = Interval(name: "4h")!
            let start = firstOfLast(2000, fourHours)
            for instrument in sim.universe {
                let rows = try await client.klines(
                    .usdm, "symbol=\(instrument.symbol)&interval=4h&startTime=\(start)&limit=1"
                ).rows().map(bar)
                #expect(rows.map(\.openTime) == [start], "\(instrument.symbol)")
            }
        }
    }

    @Test(arguments: ["4h", "1h", "15m", "1d"])
    func usdmServesTwoThousandBarsBeforeTheClockInFullPages(intervalName: String) async throws {
        let interval = try #require(Interval(name: intervalName))
        try await withSimulator(established(.usdm, symbols: 500)) { sim, client in
            let start = firstOfLast(2000, interval)
            for instrument in [sim.universe[0], sim.universe[3], sim.universe[250], sim.universe[499]] {
                var bars: [Bar] = []
                for page in 0..<2 {
                    let from = start + Int64(page) * 1000 * interval.fixedMillis!
                    let rows = try await client.klines(
                        .usdm, "symbol=\(instrument.symbol)&interval=\(intervalName)&startTime=\(from)&limit=1000"
                    ).rows().map(bar)
                    #expect(rows.count == 1000, "\(instrument.symbol) page \(page)")
                    #expect(rows.first?.openTime == from, "\(instrument.symbol) page \(page)")
                    bars += rows
                }
                #expect(bars.map(\.openTime) == (0..<2000).map { start + Int64($0) * interval.fixedMillis! })
                #expect(bars.last.map { interval.closeTime(ofBarOpeningAt: $0.openTime) < fixedNow } == true)
            }
        }
    }

    @Test(arguments: [Market.spot, .coinm])
    func otherMarketsListOnlyOldTradingPairsOrPerpetuals(market: Market) async throws {
        try await withSimulator(established(market, symbols: 100)) { sim, client in
            let symbols = try await exchangeInfoSymbols(client, market)
            #expect(symbols.count == 100)
            let status = market == .coinm ? "contractStatus" : "status"
            #expect(symbols.allSatisfy { $0[status] as? String == "TRADING" })
            if market == .coinm {
                #expect(symbols.allSatisfy { $0["contractType"] as? String == "PERPETUAL" })
                #expect(symbols.allSatisfy { ($0["symbol"] as? String)?.hasSuffix("USD_PERP") == true })
                #expect(symbols.allSatisfy { $0["quoteAsset"] as? String == "USD" })
            } else {
                #expect(symbols.allSatisfy { $0["quoteAsset"] as? String == "USDT" })
            }
            let daily = Interval(name: "1d")!
            #expect(sim.universe.allSatisfy { $0.listingTime < firstOfLast(2000, daily) && !$0.isDelisted })
            let start = firstOfLast(1000, daily)
            let last = try #require(sim.universe.last)
            let query = "symbol=\(last.symbol)&interval=1d&startTime=\(start)&limit=1000"
            let rows = try await client.klines(market, query).rows().map(bar)
            #expect(rows.count == 1000)
            #expect(rows.first?.openTime == start)
        }
    }

    @Test func establishedUniverseIsDeterministicPerSeed() async throws {
        let a = try await withSimulator(established(.usdm, symbols: 40)) { sim, _ in sim.universe }
        let b = try await withSimulator(established(.usdm, symbols: 40)) { sim, _ in sim.universe }
        var other = established(.usdm, symbols: 40)
        other.seed = 7
        let c = try await withSimulator(other) { sim, _ in sim.universe }
        #expect(a == b)
        #expect(a.map(\.listingTime) != c.map(\.listingTime))
    }

    @Test func defaultUniverseIsTheVariedOne() async throws {
        #expect(SimulatorConfiguration().universe == .varied)
        #expect(testConfiguration().universe == .varied)
        var explicit = testConfiguration(.usdm, symbols: 500)
        explicit.universe = .varied
        let byDefault = try await withSimulator(testConfiguration(.usdm, symbols: 500)) { sim, _ in sim.universe }
        let varied = try await withSimulator(explicit) { sim, _ in sim.universe }
        #expect(byDefault == varied)
        // The varied universe's mix: fewer than 500 trading USDT perpetuals, delistings, quarterlies.
        let trading = byDefault.filter {
            $0.status == "TRADING" && $0.contractType == "PERPETUAL" && $0.quoteAsset == "USDT"
        }
        #expect(trading.count < 500)
        #expect(byDefault.contains { $0.isDelisted })
        #expect(byDefault.contains { $0.contractType == "CURRENT_QUARTER" })
        // Pinned: the default universe as it was before the established kind existed (many tests rely on it).
        #expect(fingerprint(byDefault) == Self.variedFingerprint)
    }

    /// FNV-1a over every instrument's symbol, status, contract type, listing and delisting.
    func fingerprint(_ universe: [SimulatedInstrument]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in universe {
            let line = "\(i.symbol) \(i.status) \(i.contractType ?? "-") \(i.listingTime) \(i.delistingTime ?? -1)\n"
            for byte in line.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return hash
    }

    static let variedFingerprint: UInt64 = 13_452_839_716_440_037_007
}
