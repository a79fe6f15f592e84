import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// `apply` reaches the manifest's state, `plan` then sees nothing to do, and later runs fetch only new bars.
@Suite struct ConvergenceTests {
    @Test func applyConvergesAndASecondApplyFetchesOnlyTheNewBars() async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{ seed: 7, symbols: 12, now: 2024-06-03T12:30:00Z }")
            try workspace.writeManifest(manifest.yaml)

            let before = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(before.exitCode == 2, "\(before)")
            #expect(!workspace.fileExists("klines.sqlite"), "plan must not create the database")

            let (first, report) = try await workspace.apply(report: "first.json")
            #expect(first.exitCode == 0, "\(first)")
            #expect(report.status == .ok && !report.interrupted)

            // The same universe and data as the embedded simulator: same market, seed, size and clock.
            try await TestSimulator.with(symbols: 12, seed: 7) { reference in
                let symbols = reference.tradingPerpetuals()
                #expect(!symbols.isEmpty)
                #expect(report.symbols.map(\.symbol) == symbols)
                #expect(report.totals.symbolsOk == symbols.count)
                let (complete, _) = try await expectCompleteOrUntouched(
                    workspace, reference, symbols: symbols, windows: [(hour, 48), (day, 10)])
                #expect(complete == Set(symbols))
                #expect(report.totals.barsInserted == report.totals.barsFetched)
                try await expectNoOpenBarStored(workspace, symbols: symbols, now: testNow)

                let converged = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
                #expect(converged.exitCode == 0, "\(converged)")
                #expect(converged.stdout.contains("No changes"), "\(converged)")

                // Three hours later: three more closed 1h bars per symbol (12:00, 13:00, 14:00), the same day for 1d.
                manifest.simulator = "{ seed: 7, symbols: 12, now: 2024-06-03T15:30:00Z }"
                try workspace.writeManifest(manifest.yaml)
                let later = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
                #expect(later.exitCode == 2, "\(later)")

                let (second, extended) = try await workspace.apply(report: "second.json")
                #expect(second.exitCode == 0, "\(second)")
                #expect(extended.status == .ok)
                #expect(extended.symbols.map(\.symbol) == symbols)
                #expect(extended.totals.requests == symbols.count, "one request per symbol's 1h series, none for 1d")
                #expect(extended.totals.barsFetched == 3 * symbols.count)
                #expect(extended.totals.barsInserted == 3 * symbols.count)
                #expect(extended.totals.barsUpdated == 0 && extended.totals.barsDeleted == 0)
                for symbol in extended.symbols {
                    #expect(symbol.series.map(\.interval) == ["1h"], "\(symbol.symbol): only 1h changed")
                    #expect(symbol.series.first?.actions == [.extend])
                }
                reference.setNow(testNow + 3 * 3_600_000)
                let window = TimeRange(
                    start: hour.advance(hour.floor(testNow), by: -48), end: hour.floor(reference.now))
                for symbol in symbols {
                    let stored = try await workspace.storedBars(symbol, hour)
                    #expect(
                        stored == reference.expectedBars(symbol: symbol, interval: hour, range: window), "\(symbol) 1h")
                }
                try await expectNoOpenBarStored(workspace, symbols: symbols, now: reference.now)

            }
            let again = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(again.exitCode == 0, "\(again)")
            try await SchemaCheck.expectValid(reports: [workspace.path("first.json"), workspace.path("second.json")])
        }
    }

    /// A backfill longer than the memory budget goes through spool files (left nowhere) and stores exactly the
    /// exchange's bars, in one transaction per symbol as ever.
    @Test func longBackfillIsSpooledAndStoresExactlyTheExchangesBars() async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{ seed: 11, symbols: 8, now: 2024-06-03T12:30:00Z }")
            manifest.intervals = [("1m", "{ lookback: 4d }"), ("1h", "{ bars: 48 }")]
            try workspace.writeManifest(manifest.yaml)
            let spoolFolder = workspace.folder.appendingPathComponent("spool")
            try FileManager.default.createDirectory(at: spoolFolder, withIntermediateDirectories: true)
            let output = try await CLI.run(
                [
                    "apply", "manifest.yaml", "--report", workspace.path("spooled.json"), "--memory-bars", "1000",
                    "--log-level", "info",
                ], in: workspace.folder, environment: ["TMPDIR": spoolFolder.path], timeout: .seconds(120))
            #expect(output.exitCode == 0, "\(output)")
            #expect(output.stderr.contains("spooled to disk"), "\(output.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spoolFolder.path).isEmpty)
            let report = try workspace.readReport("spooled.json", context: output)
            #expect(report.status == .ok)

            let minute = Interval(name: "1m")!
            try await TestSimulator.with(symbols: 8, seed: 11) { reference in
                let symbols = reference.tradingPerpetuals()
                #expect(report.totals.symbolsOk == symbols.count)
                var total = 0
                for symbol in symbols {
                    let stored = try await workspace.storedBars(symbol, minute)
                    let window = TimeRange(start: testNow - 4 * 86_400_000, end: minute.floor(testNow))
                    #expect(
                        stored == reference.expectedBars(symbol: symbol, interval: minute, range: window), "\(symbol)")
                    total += stored.count
                }
                #expect(total > 8 * 1000, "the run must have had more bars than the memory budget")
                #expect(report.totals.barsInserted == report.totals.barsFetched)
            }
            let converged = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(converged.exitCode == 0, "\(converged)")
            try await SchemaCheck.expectValid(reports: [workspace.path("spooled.json")])
        }
    }
}

/// No stored bar of these symbols is still open at `now` (its close time is not before now).
func expectNoOpenBarStored(
    _ workspace: Workspace, symbols: [String], now: Int64, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    for symbol in symbols {
        for interval in [hour, day] {
            let stored = try await workspace.storedBars(symbol, interval)
            #expect(
                stored.allSatisfy { $0.closeTime < now }, "\(symbol) \(interval.name) holds a still-open bar",
                sourceLocation: sourceLocation)
            if let last = stored.last {
                #expect(
                    interval.next(last.openTime) == interval.floor(now), "\(symbol) \(interval.name) ends at now's bar",
                    sourceLocation: sourceLocation)
            }
        }
    }
}
