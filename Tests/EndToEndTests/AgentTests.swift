import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `klinesync agent` as a process against a real-time spot simulator whose `1s` bars close every second: cycles,
/// metrics, reloads, signals and outages, each in a few seconds.
@Suite(.serialized) struct AgentTests {
    static let second = Interval(name: "1s")!

    /// Stored open times of one series, read without disturbing the agent.
    static func openTimes(_ workspace: Workspace, _ symbol: String) throws -> [Int64] {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: workspace.databasePath, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT open_time FROM bars JOIN series ON series.id = bars.series_id
                    WHERE symbol = ? AND interval = '1s' ORDER BY open_time
                    """,
                arguments: [symbol])
        }
    }

    @Test func cyclesStoreEachNewBarOnceAndMetricsMove() async throws {
        try await Workspace.with { workspace in
            try await RealTimeSimulator.with { simulator in
                let symbols = RealTimeSimulator.symbols(simulator, 3)
                try workspace.writeManifest(RealTimeSimulator.manifest(simulator, symbols: symbols))
                let agent = try await AgentProcess.start(in: workspace, ["--settle", "200ms", "--keep", "3"])
                try await agent.waitFor("a first cycle") { try await agent.cycles() >= 1 }
                let first = try await agent.metrics()
                try await agent.waitFor("three more cycles") { try await agent.cycles() >= 4 }
                let later = try await agent.metrics()
                let health = try await agent.get("/healthz")
                let status = try await agent.status()
                agent.process.send(SIGTERM)
                let output = try await agent.process.wait(timeout: .seconds(15))
                #expect(output.exitCode == 0 && !output.killedBySignal, "\(output)")

                // Every name DESIGN §10 fixes is there, with its type.
                let types = [
                    "klinesync_cycles_total": "counter", "klinesync_cycle_duration_seconds": "histogram",
                    "klinesync_bars_written_total": "counter", "klinesync_requests_total": "counter",
                    "klinesync_request_weight_total": "counter", "klinesync_rate_limited_total": "counter",
                    "klinesync_bans_total": "counter", "klinesync_series_lag_seconds": "gauge",
                    "klinesync_last_success_timestamp_seconds": "gauge",
                    "klinesync_manifest_reload_errors_total": "counter",
                ]
                for (name, type) in types { #expect(later.types[name] == type, "\(name)") }
                let written = ["dataset": "klines", "interval": "1s"]
                #expect(
                    try #require(later.value("klinesync_bars_written_total", written)) > first.value(
                        "klinesync_bars_written_total", written) ?? 0)
                let requests = ["source": "rest", "code": "200"]
                #expect(
                    try #require(later.value("klinesync_requests_total", requests)) > first.value(
                        "klinesync_requests_total", requests) ?? 0)
                #expect(later.value("klinesync_cycle_duration_seconds_count") ?? 0 >= 4)
                #expect(later.value("klinesync_rate_limited_total") == 0 && later.value("klinesync_bans_total") == 0)
                #expect(
                    later.value("klinesync_last_success_timestamp_seconds") ?? 0 > Date().timeIntervalSince1970 - 60)
                let lags = later.all("klinesync_series_lag_seconds")
                #expect(Set(lags.compactMap { $0.labels["symbol"] }) == Set(symbols))
                // Seconds behind (a busy machine adds its delays; an idle one shows under 2 s).
                #expect(lags.allSatisfy { $0.value >= 0 && $0.value < 30 }, "\(lags)")
                #expect(health.status == 200 && health.body == "ok\n")
                #expect(status.healthy && status.series.count == 3 && status.lastCycle?.status == .ok)

                // Each bar once: no gaps and no rewrites; the window grew by the bars that closed meanwhile.
                for symbol in symbols {
                    let times = try Self.openTimes(workspace, symbol)
                    #expect(times.count >= 22, "\(symbol): \(times.count)")
                    #expect(times.last! - times.first! == Int64(times.count - 1) * 1000, "\(symbol) has a gap")
                    let expected = simulator.expectedBars(
                        symbol: symbol, interval: Self.second,
                        range: TimeRange(start: times.first!, end: times.last! + 1000))
                    #expect(try await workspace.storedBars(symbol, Self.second, market: .spot) == expected)
                }
                let reports: [Report] = try workspace.withDatabase { db in
                    try String.fetchAll(db, sql: "SELECT report FROM runs").map {
                        try JSONCoding.decoder().decode(Report.self, from: Data($0.utf8))
                    }
                }
                #expect(reports.count == 3, "--keep 3 keeps three runs")
                #expect(reports.allSatisfy { $0.totals.barsUpdated == 0 })
                let files = try FileManager.default.contentsOfDirectory(atPath: workspace.path("reports"))
                #expect(files.count == 3, "\(files)")
            }
        }
    }

    @Test func anEditedManifestIsPickedUpAndAnInvalidEditIsReportedAndIgnored() async throws {
        try await Workspace.with { workspace in
            try await RealTimeSimulator.with { simulator in
                let symbols = RealTimeSimulator.symbols(simulator, 2)
                try workspace.writeManifest(RealTimeSimulator.manifest(simulator, symbols: [symbols[0]]))
                let agent = try await AgentProcess.start(in: workspace, ["--settle", "200ms"])
                try await agent.waitFor("a first cycle") { try await agent.cycles() >= 1 }
                try workspace.writeManifest(RealTimeSimulator.manifest(simulator, symbols: symbols))
                try await agent.waitFor("the new symbol", timeout: .seconds(60)) {
                    try await agent.status().series.map(\.symbol).contains(symbols[1])
                }
                #expect(try Self.openTimes(workspace, symbols[1]).count >= 20)

                try workspace.writeManifest(
                    "version: 1\nsource: { exchange: binance, market: spot }\nintervals:\n  7m: {}\n")
                try await agent.waitFor("the reload error", timeout: .seconds(60)) {
                    try await agent.status().manifest.reload == "error"
                }
                let status = try await agent.status()
                #expect(status.manifest.reloadError?.contains("7m") == true, "\(status.manifest)")
                #expect(try await agent.metrics().value("klinesync_manifest_reload_errors_total") == 1)
                // The previous manifest keeps running.
                let before = try await agent.cycles()
                try await agent.waitFor("two more cycles") { try await agent.cycles() >= before + 2 }
                #expect(try await agent.get("/healthz").status == 200)
                #expect(agent.process.stderrSoFar.contains("the manifest is invalid; the previous one keeps running"))
                agent.process.send(SIGINT)
                let output = try await agent.process.wait(timeout: .seconds(15))
                #expect(output.exitCode == 0, "\(output)")
            }
        }
    }

    @Test func sigtermDuringACycleExitsZeroLeavingWholeSymbolsOnly() async throws {
        try await Workspace.with { workspace in
            try await RealTimeSimulator.with(symbols: 30, latencyMillis: 150) { simulator in
                let symbols = RealTimeSimulator.symbols(simulator, 12)
                try workspace.writeManifest(
                    RealTimeSimulator.manifest(simulator, symbols: symbols, bars: 1000, concurrency: 1))
                let agent = try await AgentProcess.start(in: workspace)
                try await agent.waitFor("two symbols committed") { workspace.symbolsWithBars().count >= 2 }
                agent.process.send(SIGTERM)
                let output = try await agent.process.wait(timeout: .seconds(20))
                #expect(output.exitCode == 0 && !output.killedBySignal, "\(output)")
                var complete = 0
                for symbol in symbols {
                    let count = try Self.openTimes(workspace, symbol).count
                    #expect(count == 0 || count == 1000, "\(symbol) holds \(count) bars: a symbol was half written")
                    if count == 1000 { complete += 1 }
                }
                #expect(complete >= 2 && complete < symbols.count, "stopped mid-cycle: \(complete) complete")
            }
        }
    }

    @Test func anExchangeOutageTurnsHealthzTo503AndBackAndMissedBarsAreBackfilled() async throws {
        try await Workspace.with { workspace in
            let simulator = try await RealTimeSimulator.start()
            let port = simulator.port
            let symbols = RealTimeSimulator.symbols(simulator, 2)
            try workspace.writeManifest(RealTimeSimulator.manifest(simulator, symbols: symbols, bars: 600))
            let agent = try await AgentProcess.start(in: workspace, ["--settle", "200ms"])
            try await agent.waitFor("healthy") { try await agent.get("/healthz").status == 200 }
            await simulator.stop()
            try await agent.waitFor("unhealthy during the outage") { try await agent.get("/healthz").status == 503 }
            #expect(try await agent.status().cycles.consecutiveFailures >= 2)
            #expect(agent.process.isRunning)
            try await Task.sleep(for: .seconds(2))
            let restarted = try await RealTimeSimulator.start(port: port)
            do {
                try await agent.waitFor("healthy again") { try await agent.get("/healthz").status == 200 }
                let failed = try await agent.cycles("failed")
                #expect(failed >= 2)
                agent.process.send(SIGTERM)
                let output = try await agent.process.wait(timeout: .seconds(15))
                #expect(output.exitCode == 0, "\(output)")
                for symbol in symbols {
                    let times = try Self.openTimes(workspace, symbol)
                    #expect(times.last! - times.first! == Int64(times.count - 1) * 1000, "\(symbol): a missed bar")
                }
                await restarted.stop()
            } catch {
                agent.process.send(SIGKILL)
                await restarted.stop()
                throw error
            }
        }
    }

    @Test func onceRunsOneCycleWithApplysExitCodes() async throws {
        try await Workspace.with { workspace in
            try await RealTimeSimulator.with { simulator in
                let symbols = RealTimeSimulator.symbols(simulator, 2)
                try workspace.writeManifest(RealTimeSimulator.manifest(simulator, symbols: symbols))
                let ok = try await workspace.run("agent", "manifest.yaml", "--once")
                #expect(ok.exitCode == 0, "\(ok)")
                #expect(try Self.openTimes(workspace, symbols[0]).count == 20)
                await simulator.stop()
                let down = try await workspace.run("agent", "manifest.yaml", "--once")
                #expect(down.exitCode == 1, "\(down)")
            }
        }
    }
}
