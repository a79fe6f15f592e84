import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Futures datasets end to end: the real binary syncs trade, mark-price, index-price and premium-index klines from
/// the simulator (REST and archive) into SQLite, and into PostgreSQL when `KLINESYNC_TEST_POSTGRES_URL` is set, with
/// the same dataset digest on both; `status` lists every dataset; spot refuses them with a located error.
@Suite struct DatasetTests {
    static let now = CivilDate(year: 2025, month: 3, day: 20, hour: 6).millis

    static func manifest(_ sim: RunningSimulator, symbols: [String], database: String) -> String {
        let list = symbols.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            version: 1
            source: { exchange: binance, market: usdm, base_url: \(sim.baseURL), archive_url: \(sim.baseURL) }
            database: \(database)
            symbols: { include: [\(list)] }
            intervals:
              1h: { since: 2025-01-20, until: 2025-03-18 }
              1d: { bars: 30 }
            datasets: [klines, mark_price, index_price, premium_index]
            pacing: { concurrency: 4 }
            retry: { max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms }
            """
    }

    /// `status --json`: the dataset digest and `symbol interval dataset` → digest.
    static func status(_ workspace: Workspace) async throws -> (String, [String: String]) {
        let result = try await workspace.run("status", "manifest.yaml", "--json")
        #expect(result.exitCode == 0, "\(result)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        var series: [String: String] = [:]
        for entry in json["series"] as? [[String: Any]] ?? [] {
            series["\(entry["symbol"]!) \(entry["interval"]!) \(entry["dataset"]!)"] = entry["digest"] as? String
        }
        return (json["dataset_digest"] as? String ?? "", series)
    }

    static func sync(_ sim: RunningSimulator, symbols: [String], database: String) async throws
        -> (Report, String, [String: String])
    {
        try await Workspace.with("datasets-\(database.prefix(8))") { workspace in
            try workspace.writeManifest(manifest(sim, symbols: symbols, database: database))
            let (out, report) = try await workspace.apply(report: "report.json")
            #expect(out.exitCode == 0, "\(out)")
            let plan = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
            #expect(plan.exitCode == 0 && plan.stdout.contains("No changes."), "\(plan)")
            let text = try await workspace.run("status", "manifest.yaml")
            #expect(text.stdout.contains("1h mark_price") && text.stdout.contains("1d premium_index"), "\(text)")
            try await SchemaCheck.expectValid(reports: [workspace.path("report.json")])
            let (digest, series) = try await status(workspace)
            if database.hasPrefix("sqlite:") {
                // What was stored is what the simulator serves for each dataset.
                let hour = Interval(name: "1h")!
                let window = TimeRange(
                    start: CivilDate(year: 2025, month: 1, day: 20).millis,
                    end: CivilDate(year: 2025, month: 3, day: 18).millis)
                for dataset in Dataset.allCases {
                    let stored = try await workspace.storedBars(symbols[0], hour, dataset: dataset)
                    #expect(!stored.isEmpty)
                    #expect(
                        stored == sim.expectedBars(dataset: dataset, key: symbols[0], interval: hour, range: window),
                        "\(dataset)")
                }
            }
            return (report, digest, series)
        }
    }

    @Test func aFuturesManifestWithEveryDatasetSyncsConvergesAndDigestsAlikeOnBothBackends() async throws {
        let sim = try await Simulator.start(
            SimulatorConfiguration(
                market: .usdm, seed: 3, symbolCount: 8, universe: .established, weightLimit: 1_000_000,
                clock: .fixed(Self.now)))
        let instruments = sim.universe.filter { $0.status == "TRADING" && $0.contractType == "PERPETUAL" }
        let symbols = Array(instruments.map(\.symbol).sorted().prefix(2))
        let (report, digest, series) = try await Self.sync(sim, symbols: symbols, database: "sqlite:klines.sqlite")
        #expect(report.status == .ok)
        // Two symbols × two intervals × four datasets; index prices are stored under the pair (the symbol here).
        #expect(series.count == 16, "\(series.keys.sorted())")
        #expect(
            Set(series.keys.map { $0.split(separator: " ")[2] }) == [
                "klines", "mark_price", "index_price", "premium_index",
            ])
        #expect(report.totals.archive?.filesVerified ?? 0 > 0)
        if let base = ProcessInfo.processInfo.environment["KLINESYNC_TEST_POSTGRES_URL"] {
            let url =
                base + (base.contains("?") ? "&" : "?") + "schema=datasets_\(UUID().uuidString.prefix(8).lowercased())"
            let (_, pgDigest, pgSeries) = try await Self.sync(sim, symbols: symbols, database: url)
            #expect(pgSeries == series)
            #expect(pgDigest == digest)
        }
        await sim.stop()
    }

    @Test func aSpotManifestNamingMarkPricesIsALocatedErrorAndCreatesNothing() async throws {
        try await Workspace.with { workspace in
            try workspace.writeManifest(
                """
                version: 1
                source: { exchange: binance, market: spot, base_url: http://127.0.0.1:9 }
                database: sqlite:klines.sqlite
                intervals: { 1h: { bars: 10 } }
                datasets: [klines, mark_price]
                """)
            for command in ["validate", "plan", "apply"] {
                let result = try await workspace.run(command, "manifest.yaml")
                #expect(result.exitCode == 1, "\(command): \(result)")
                #expect(
                    result.stderr.contains(
                        "manifest.yaml:5:20: error: dataset 'mark_price' is offered on futures markets (usdm, coinm) only"
                    ),
                    "\(command): \(result)")
            }
            #expect(!workspace.fileExists("klines.sqlite"))
        }
    }
}
