import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Funding rates end to end (DESIGN §9): the real binary keeps each perpetual's funding history as the manifest's
/// window says, extends it once a new hour has settled, backfills when the window grows, converges to
/// "No changes." in between, and a saved plan applies as made.
@Suite struct FundingTests {
    static let now = CivilDate(year: 2025, month: 3, day: 20, hour: 6, minute: 30).millis
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func manifest(_ sim: RunningSimulator, symbols: [String], funding: String) -> String {
        let list = symbols.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            version: 1
            source: { exchange: binance, market: usdm, base_url: \(sim.baseURL), archive: off }
            database: sqlite:klines.sqlite
            symbols: { include: [\(list)] }
            intervals: { 1d: { bars: 3 } }
            funding: \(funding)
            retry: { max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms }
            """
    }

    /// 06:00 settled at 06:30: funding times up to and including the 06:00 ones are wanted.
    static func horizon(_ now: Int64) -> Int64 { (now - 60_000) / hour * hour + 60_000 }

    @Test func fundingExtendsEachSettledHourBackfillsAWiderWindowAndConverges() async throws {
        let sim = try await Simulator.start(
            SimulatorConfiguration(
                market: .usdm, seed: 11, symbolCount: 6, universe: .established, weightLimit: 1_000_000,
                clock: .fixed(Self.now)))
        let change = try #require(sim.fundingIntervalChange?.symbol)
        let other = try #require(
            sim.universe.filter { $0.status == "TRADING" && $0.contractType == "PERPETUAL" && $0.symbol != change }
                .map(\.symbol).sorted().first)
        let symbols = [change, other]
        try await Workspace.with { workspace in
            try workspace.writeManifest(Self.manifest(sim, symbols: symbols, funding: "{ lookback: 10d }"))
            let (first, report) = try await workspace.apply(report: "first.json")
            #expect(first.exitCode == 0, "\(first)")
            #expect(first.stdout.contains("funding events inserted"), "\(first)")
            var window = TimeRange(start: Self.horizon(Self.now) - 10 * Self.day, end: Self.horizon(Self.now))
            for symbol in symbols {
                #expect(
                    try await workspace.storedFunding(symbol) == sim.expectedFundingRates(symbol: symbol, range: window)
                )
            }
            #expect(
                report.totals.funding?.eventsInserted
                    == symbols.reduce(0) {
                        $0 + sim.expectedFundingRates(symbol: $1, range: window).count
                    })
            let converged = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(
                converged.exitCode == 0 && converged.stdout.contains("funding of 2 symbols up to date"), "\(converged)")

            // Four hours on: the 4h symbol has one more funding, the 8h one perhaps; both are extended.
            sim.advance(by: 4 * Self.hour)
            let later = Self.now + 4 * Self.hour
            let extend = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(extend.exitCode == 2 && extend.stdout.contains("funding: 2 to extend"), "\(extend)")
            let (second, secondReport) = try await workspace.apply(report: "second.json")
            #expect(second.exitCode == 0, "\(second)")
            let grown = TimeRange(start: window.start, end: Self.horizon(later))
            let added = TimeRange(start: window.end, end: grown.end)
            #expect(
                secondReport.totals.funding?.eventsInserted
                    == symbols.reduce(0) { $0 + sim.expectedFundingRates(symbol: $1, range: added).count })
            #expect(secondReport.totals.funding?.requests == 2)
            for symbol in symbols {
                #expect(
                    try await workspace.storedFunding(symbol) == sim.expectedFundingRates(symbol: symbol, range: grown))
            }

            // A wider window backfills; a saved plan applies as made and the database converges.
            try workspace.writeManifest(Self.manifest(sim, symbols: symbols, funding: "{ since: 2024-02-01 }"))
            let saved = try await workspace.run("plan", "manifest.yaml", "--out", "plan.json")
            #expect(saved.exitCode == 0 && saved.stdout.contains("funding: 2 to backfill"), "\(saved)")
            try await SchemaCheck.expectValid(plans: [workspace.path("plan.json")])
            let (third, thirdReport) = try await workspace.apply(report: "third.json", input: "plan.json")
            #expect(third.exitCode == 0, "\(third)")
            #expect(thirdReport.symbols.allSatisfy { $0.funding?.actions == [.backfill] })
            try await SchemaCheck.expectValid(reports: [workspace.path("third.json")])
            window = TimeRange(start: CivilDate(year: 2024, month: 2, day: 1).millis, end: grown.end)
            for symbol in symbols {
                let stored = try await workspace.storedFunding(symbol)
                #expect(stored == sim.expectedFundingRates(symbol: symbol, range: window))
                #expect(Set(stored.map(\.fundingTime)).count == stored.count, "no event twice")
            }
            // The change symbol went from 8h to 4h funding on 2024-02-15: both spacings are stored.
            let spacing = Set(
                zip(try await workspace.storedFunding(change), try await workspace.storedFunding(change).dropFirst())
                    .map { ($1.fundingTime - $0.fundingTime + Self.hour / 2) / Self.hour })
            #expect(spacing.isSuperset(of: [4, 8]), "\(spacing)")
            let final = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(final.exitCode == 0, "\(final)")
        }
        await sim.stop()
    }
}
