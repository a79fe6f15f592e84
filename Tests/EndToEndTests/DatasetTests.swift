import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Futures datasets end to end: the real binary syncs trade, mark-price, index-price and premium-index klines and
/// funding rates from the simulator (REST and archive) into SQLite, and into PostgreSQL when
/// `KLINESYNC_TEST_POSTGRES_URL` is set, with the same dataset digest on both; `status` lists every dataset and
/// funding history; spot refuses them with a located error.
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
            funding: { since: 2024-01-01, until: 2025-03-18 }
            pacing: { concurrency: 4 }
            retry: { max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms }
            """
    }

    static let fundingWindow = TimeRange(
        start: CivilDate(year: 2024, month: 1, day: 1).millis, end: CivilDate(year: 2025, month: 3, day: 18).millis)

    /// `status --json`: the dataset digest and `symbol interval dataset` → digest (`symbol funding` for funding).
    static func status(_ workspace: Workspace) async throws -> (String, [String: String]) {
        let result = try await workspace.run("status", "manifest.yaml", "--json")
        #expect(result.exitCode == 0, "\(result)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        var series: [String: String] = [:]
        for entry in json["series"] as? [[String: Any]] ?? [] {
            series["\(entry["symbol"]!) \(entry["interval"]!) \(entry["dataset"]!)"] = entry["digest"] as? String
        }
        for entry in json["funding"] as? [[String: Any]] ?? [] {
            series["\(entry["symbol"]!) funding"] = entry["digest"] as? String
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
            #expect(text.stdout.contains("FUNDING") && text.stdout.contains("funding of 2 symbols"), "\(text)")
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
                for symbol in symbols {
                    let stored = try await workspace.storedFunding(symbol)
                    #expect(stored.count > 1000, "\(symbol): \(stored.count) funding events")
                    #expect(stored == sim.expectedFundingRates(symbol: symbol, range: fundingWindow), "\(symbol)")
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
        // The perpetual whose funding interval changes (8h to 4h in February 2024), and another.
        let change = try #require(sim.fundingIntervalChange?.symbol)
        let symbols = [change] + Array(instruments.map(\.symbol).sorted().filter { $0 != change }.prefix(1))
        let (report, digest, series) = try await Self.sync(sim, symbols: symbols, database: "sqlite:klines.sqlite")
        #expect(report.status == .ok)
        // Two symbols × two intervals × four datasets, and two funding histories; index prices are stored under the
        // pair (the symbol here).
        #expect(series.count == 18, "\(series.keys.sorted())")
        #expect(
            Set(series.keys.compactMap { $0.split(separator: " ").dropFirst(2).first }) == [
                "klines", "mark_price", "index_price", "premium_index",
            ])
        #expect(series.keys.filter { $0.hasSuffix(" funding") }.count == 2)
        let funding = try #require(report.totals.funding)
        #expect(funding.symbols == 2)
        #expect(funding.eventsInserted > 2000)
        #expect(funding.requests >= 4, "over 1000 events a symbol need more than one page")
        #expect(report.symbols.allSatisfy { $0.funding?.actions == [.create] })
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
        try await Self.expectSpotRefused(
            "datasets: [klines, mark_price]",
            error: "manifest.yaml:5:20: error: dataset 'mark_price' is offered on futures markets (usdm, coinm) only")
    }

    @Test func aSpotManifestAskingForFundingIsALocatedErrorAndCreatesNothing() async throws {
        try await Self.expectSpotRefused(
            "funding: { lookback: 30d }",
            error: "manifest.yaml:5:1: error: funding rates exist on futures markets (usdm, coinm) only")
    }

    /// A spot manifest with `line` as its fifth line: validate, plan and apply exit 1 with `error` and create no
    /// database.
    static func expectSpotRefused(_ line: String, error: String) async throws {
        try await Workspace.with { workspace in
            try workspace.writeManifest(
                """
                version: 1
                source: { exchange: binance, market: spot, base_url: http://127.0.0.1:9 }
                database: sqlite:klines.sqlite
                intervals: { 1h: { bars: 10 } }
                \(line)
                """)
            for command in ["validate", "plan", "apply"] {
                let result = try await workspace.run(command, "manifest.yaml")
                #expect(result.exitCode == 1, "\(command): \(result)")
                #expect(result.stderr.contains(error), "\(command): \(result)")
            }
            #expect(!workspace.fileExists("klines.sqlite"))
        }
    }
}
