import Foundation
import KlineSyncCore
import KlineSyncSQLite
import KlineSyncSimulator
import Testing

/// `source.archive` end to end: the real binary against a simulator serving REST and the archive on loopback, into
/// real SQLite files.
@Suite struct ArchiveTests {
    /// The simulator's frozen clock: 2025-02-10, so January 2025 has a monthly file and early February daily ones.
    static let now = CivilDate(year: 2025, month: 2, day: 10, hour: 9, minute: 30).millis

    static func startSimulator(_ market: Market, faults: [ArchiveFault] = [], latency: Int = 0) async throws
        -> RunningSimulator
    {
        try await Simulator.start(
            SimulatorConfiguration(
                market: market, seed: 11, symbolCount: 12, universe: .established, latencyMillis: latency,
                weightLimit: 1_000_000, clock: .fixed(now), archiveFaults: faults))
    }

    /// A manifest of `symbols` on `market` against `sim`, with the archive on (`archive_url` = the simulator) or off.
    static func manifest(
        _ market: Market, _ sim: RunningSimulator, symbols: [String], archive: Bool,
        intervals: String =
            "1h: { since: 2024-11-20, until: 2025-02-07 }\n  1m: { since: 2024-12-30, until: 2025-01-02T06:00:00Z }",
        concurrency: Int = 4
    ) -> String {
        let list = symbols.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            version: 1
            source:
              exchange: binance
              market: \(market.rawValue)
              base_url: \(sim.baseURL)
              \(archive ? "archive_url: \(sim.baseURL)" : "archive: off")
            database: sqlite:klines.sqlite
            symbols:
              include: [\(list)]
            intervals:
              \(intervals)
            pacing: { concurrency: \(concurrency) }
            retry: { max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms }
            """
    }

    /// The dataset digest and the series digests of the workspace's database.
    static func digests(_ workspace: Workspace, _ market: Market) async throws -> (String, [String: String]) {
        let store = try SQLiteStore(path: workspace.databasePath, createIfMissing: false)
        let statuses = try await StatusReport.build(store: store, market: market)
        try await store.close()
        return (
            StatusReport.datasetDigest(statuses),
            Dictionary(uniqueKeysWithValues: statuses.map { ("\($0.symbol) \($0.interval)", $0.digest) })
        )
    }

    static func symbols(_ sim: RunningSimulator, _ count: Int) -> [String] {
        Array(sim.universe.filter { $0.status == "TRADING" }.map(\.symbol).sorted().prefix(count))
    }

    /// Applies the manifest with the archive and without, each into its own database; returns the archive run's
    /// report and whether both datasets are equal (series digests compared one by one for a clear message).
    static func applyBoth(_ market: Market, _ sim: RunningSimulator, symbols: [String]) async throws -> (Report, Report)
    {
        try await Workspace.with("archive-\(market.rawValue)") { archived in
            try await Workspace.with("rest-\(market.rawValue)") { rest in
                try archived.writeManifest(manifest(market, sim, symbols: symbols, archive: true))
                try rest.writeManifest(manifest(market, sim, symbols: symbols, archive: false))
                let (out, report) = try await archived.apply(report: "report.json")
                #expect(out.exitCode == 0, "\(out)")
                let (restOut, restReport) = try await rest.apply(report: "report.json")
                #expect(restOut.exitCode == 0, "\(restOut)")
                #expect(restReport.totals.archive == nil)
                let (digest, series) = try await digests(archived, market)
                let (restDigest, restSeries) = try await digests(rest, market)
                #expect(series == restSeries)
                #expect(digest == restDigest)
                #expect(series.count == symbols.count * 2)
                try await SchemaCheck.expectValid(reports: [archived.path("report.json")])
                return (report, restReport)
            }
        }
    }

    @Test(arguments: [Market.spot, .usdm, .coinm])
    func anArchiveBackedSyncEqualsARESTOnlySync(market: Market) async throws {
        let sim = try await Self.startSimulator(market)
        let (report, rest) = try await Self.applyBoth(market, sim, symbols: Self.symbols(sim, 3))
        #expect(report.totals.weightUsed * 2 < rest.totals.weightUsed)
        let archive = try #require(report.totals.archive)
        #expect(archive.filesVerified > 0)
        #expect(archive.filesFallenBack == 0, "\(archive.fallbacks)")
        await sim.stop()
    }

    @Test func eachArchiveFaultFallsBackForItsFilesOnlyAndTheDatasetStillEqualsREST() async throws {
        let probe = try await Self.startSimulator(.usdm)
        let symbols = Self.symbols(probe, 6)
        await probe.stop()
        let kinds: [ArchiveFault.Kind] = [.badChecksum, .noChecksum, .missing, .truncated, .hole, .corruptOnce]
        let faults = zip(symbols, kinds).map { ArchiveFault(symbols: $0, kinds: [$1]) }
        let sim = try await Self.startSimulator(.usdm, faults: faults)
        let (report, _) = try await Self.applyBoth(.usdm, sim, symbols: symbols)
        await sim.stop()
        let archive = try #require(report.totals.archive)
        for (symbol, kind) in zip(symbols, kinds) {
            let notes = report.symbols.first { $0.symbol == symbol }?.series.flatMap { $0.archiveFallbacks ?? [] } ?? []
            let reasons = Set(notes.map(\.reason))
            switch kind {
            case .badChecksum: #expect(reasons == [.checksumMismatch], "\(symbol)")
            case .noChecksum: #expect(reasons == [.noChecksum], "\(symbol)")
            case .missing: #expect(reasons == [.missing], "\(symbol)")
            case .truncated: #expect(reasons == [.brokenZip], "\(symbol)")
            case .hole, .corruptOnce: #expect(reasons.isEmpty, "\(symbol): \(notes)")
            }
        }
        #expect(archive.filesVerified > 0)
        #expect(archive.filesFallenBack == archive.fallbacks.values.reduce(0, +))
    }

    @Test func planShowsArchiveFilesAndConvergesAfterApply() async throws {
        let sim = try await Self.startSimulator(.usdm)
        try await Workspace.with { workspace in
            try workspace.writeManifest(Self.manifest(.usdm, sim, symbols: Self.symbols(sim, 2), archive: true))
            let plan = try await workspace.run("plan", "manifest.yaml")
            #expect(plan.exitCode == 0, "\(plan)")
            #expect(plan.stdout.contains(" archive files, about "), "\(plan.stdout)")
            #expect(plan.stdout.contains("archive file"), "\(plan.stdout)")
            let saved = try await workspace.run("plan", "manifest.yaml", "--out", "plan.json")
            #expect(saved.exitCode == 0, "\(saved)")
            try await SchemaCheck.expectValid(plans: [workspace.path("plan.json")])
            let (applied, report) = try await workspace.apply(report: "report.json", input: "plan.json")
            #expect(applied.exitCode == 0, "\(applied)")
            #expect(report.totals.archive?.filesVerified ?? 0 > 0)
            let after = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(after.exitCode == 0, "\(after)")
            #expect(after.stdout.contains("No changes."), "\(after.stdout)")
        }
        await sim.stop()
    }

    @Test func aKilledRunDuringDownloadsLeavesWholeSymbolsAndNoTemporaryFile() async throws {
        let sim = try await Self.startSimulator(.usdm, latency: 20)
        let symbols = Self.symbols(sim, 6)
        try await Workspace.with { workspace in
            // Two symbols at a time: when the first commits, most are still downloading.
            try workspace.writeManifest(
                Self.manifest(
                    .usdm, sim, symbols: symbols, archive: true,
                    intervals: "5m: { since: 2024-10-01, until: 2025-02-01 }", concurrency: 2))
            let tmp = workspace.path("tmp")
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            let run = try CLI.start(
                ["apply", "manifest.yaml", "--report", workspace.path("report.json"), "--memory-bars", "20000"],
                in: workspace.folder, environment: ["TMPDIR": tmp])
            // Kill it once some symbol has committed and downloads are in flight.
            let deadline = ContinuousClock.now + .seconds(240)
            while workspace.symbolsWithBars().isEmpty && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            run.send(SIGKILL)
            _ = try await run.wait(timeout: .seconds(30))
            #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
            let interval = Interval(name: "5m")!
            let window = TimeRange(
                start: CivilDate(year: 2024, month: 10, day: 1).millis,
                end: CivilDate(year: 2025, month: 2, day: 1).millis)
            var whole = 0
            for symbol in symbols {
                let stored = try await workspace.storedBars(symbol, interval)
                guard !stored.isEmpty else { continue }
                let expected = sim.expectedBars(symbol: symbol, interval: interval, range: window)
                #expect(
                    stored == expected,
                    "\(symbol): \(stored.count) bars stored \(stored.first?.openTime ?? 0)…\(stored.last?.openTime ?? 0), \(expected.count) expected"
                )
                whole += 1
            }
            #expect(whole > 0 && whole < symbols.count, "\(whole) of \(symbols.count) symbols committed")
            // A re-run completes the rest, from the archive again.
            let (rerun, report) = try await workspace.apply(report: "rerun.json", timeout: .seconds(240))
            #expect(rerun.exitCode == 0, "\(rerun)")
            #expect(report.totals.archive?.filesVerified ?? 0 > 0)
        }
        await sim.stop()
    }
}
