import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Force rules re-fetch and replace stored bars in one transaction per symbol, or leave them as they were.
@Suite struct ForceTests {
    /// Overwrites the close of stored bars of one series (as if the exchange had revised them since), returning
    /// how many rows changed.
    static func corrupt(_ workspace: Workspace, _ symbol: String, _ interval: Interval, lastBars: Int) throws -> Int {
        try workspace.withDatabase { db in
            try db.execute(
                sql: """
                    UPDATE bars SET close = '0.1234'
                    WHERE series_id = (SELECT id FROM series WHERE symbol = ?1 AND interval = ?2)
                    AND open_time IN (
                        SELECT b.open_time FROM bars b JOIN series s ON s.id = b.series_id
                        WHERE s.symbol = ?1 AND s.interval = ?2 ORDER BY b.open_time DESC LIMIT ?3)
                    """, arguments: [symbol, interval.name, lastBars])
            return db.changesCount
        }
    }

    @Test func forceLastRestoresARevisedBarAndNeverStoresTheOpenBar() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                let symbols = simulator.tradingPerpetuals(3)
                let target = symbols[1]
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                try workspace.writeManifest(manifest.yaml)
                let (first, _) = try await workspace.apply(report: "first.json")
                #expect(first.exitCode == 0, "\(first)")

                #expect(try Self.corrupt(workspace, target, hour, lastBars: 1) == 1)
                let expected = simulator.expectedLatest(48, symbol: target, interval: hour)
                #expect(try await workspace.storedBars(target, hour).last != expected.last)
                let unforced = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
                #expect(unforced.exitCode == 0, "a changed value is invisible to the plan without a force rule")

                manifest.force = ["{ symbols: [\"\(target)\"], intervals: [1h], range: { last: 3 } }"]
                try workspace.writeManifest(manifest.yaml)
                let (output, report) = try await workspace.apply(report: "forced.json")
                #expect(output.exitCode == 0, "\(output)")
                #expect(report.symbols.map(\.symbol) == [target])
                let series = try #require(report.symbols.first?.series.first { $0.interval == "1h" })
                #expect(series.actions == [.replace])
                #expect(series.barsFetched == 3 && series.requests == 1)
                // The revised bar is the one change: updated in place; the two identical ones are left alone.
                #expect(series.barsUpdated == 1 && series.barsInserted == 0 && series.barsDeleted == 0, "\(series)")
                #expect(report.totals.barsUpdated == 1)
                #expect(try await workspace.storedBars(target, hour) == expected)
                try await expectNoOpenBarStored(workspace, symbols: symbols, now: simulator.now)
                try await SchemaCheck.expectValid(reports: [
                    workspace.path("first.json"), workspace.path("forced.json"),
                ])
            }
        }
    }

    @Test func failedForceKeepsTheOldBarsAndASuccessfulOneReplacesThem() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                let symbols = simulator.tradingPerpetuals(4)
                let (kept, replaced) = (symbols[0], symbols[1])
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                try workspace.writeManifest(manifest.yaml)
                let (first, _) = try await workspace.apply(report: "first.json")
                #expect(first.exitCode == 0, "\(first)")

                // Both forced symbols hold revised values in both series.
                for symbol in [kept, replaced] {
                    #expect(try Self.corrupt(workspace, symbol, hour, lastBars: 5) == 5)
                    #expect(try Self.corrupt(workspace, symbol, day, lastBars: 2) == 2)
                }
                let keptBefore = (try await workspace.storedBars(kept, hour), try await workspace.storedBars(kept, day))

                // `kept`: its first series' fetch succeeds, the second fails beyond its retries, so the symbol
                // fails as a whole and the first series' replacement is never written either.
                simulator.script(symbol: kept, faults: [.latency(1), .serverError(503), .serverError(503)])
                manifest.force = ["{ symbols: [\"\(kept)\", \"\(replaced)\"], intervals: [1h, 1d], range: all }"]
                try workspace.writeManifest(manifest.yaml)
                let (output, report) = try await workspace.apply(report: "forced.json")
                #expect(output.exitCode == 2, "\(output)")
                #expect(report.status == .partial)
                let statuses = Dictionary(uniqueKeysWithValues: report.symbols.map { ($0.symbol, $0.status) })
                #expect(statuses == [kept: .failed, replaced: .ok])
                let counts = report.symbols.first { $0.symbol == replaced }?.series.map(\.barsUpdated)
                #expect(counts == [5, 2], "the revised bars of the replaced symbol are updated")

                #expect(
                    try await workspace.storedBars(kept, hour) == keptBefore.0, "the failed force kept the old bars")
                #expect(try await workspace.storedBars(kept, day) == keptBefore.1)
                #expect(
                    try await workspace.storedBars(replaced, hour)
                        == simulator.expectedLatest(48, symbol: replaced, interval: hour))
                #expect(
                    try await workspace.storedBars(replaced, day)
                        == simulator.expectedLatest(10, symbol: replaced, interval: day))
                let untouched = try #require(symbols.last)
                #expect(
                    try await workspace.storedBars(untouched, hour)
                        == simulator.expectedLatest(48, symbol: untouched, interval: hour))
                try await SchemaCheck.expectValid(reports: [workspace.path("forced.json")])
            }
        }
    }
}
