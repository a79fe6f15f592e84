import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// PostgreSQL dies in the middle of an `apply` (`pg_ctl -m immediate stop` on a cluster of the test's own): the
/// run ends on its own, in bounded time, with a report and exit code 1 or 2; every symbol in the database is
/// whole or absent; SIGINT ends it promptly while the server is down. Skipped without PostgreSQL binaries.
@Suite(.serialized, .enabled(if: ThrowawayPostgres.available))
struct PostgresOutageTests {
    /// 30 symbols × 2 series at 250 ms a response, 4 symbols at a time: about 4 s of work to crash the server in.
    static let latency = 250
    static let windows: [(Interval, Int64)] = [(hour, 48), (day, 10)]

    static func manifest(_ simulator: RunningSimulator, symbols: [String], database: String) -> String {
        ManifestText(simulator: simulator, symbols: symbols).yaml
            .replacingOccurrences(of: "database: sqlite:klines.sqlite", with: "database: \(database)")
    }

    /// Waits until `count` symbols are committed (read with psql), so the crash comes mid-run.
    static func waitForCommits(_ count: Int, in cluster: ThrowawayPostgres, run: RunningCLI) async throws {
        // Generous: under a full parallel test run on 2 cores the apply is starved for seconds at a time.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, run.isRunning {
            let committed = try await cluster.query(
                "SELECT count(DISTINCT symbol) FROM series WHERE bar_count > 0")
            if let committed, let n = Int(committed), n >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("no \(count) commits before the deadline; stderr:\n\(run.stderrSoFar)")
    }

    @Test func serverCrashMidApplyEndsTheRunWithAReportAndLeavesEverySymbolWholeOrAbsent() async throws {
        try await ThrowawayPostgres.with { cluster in
            try await Workspace.with { workspace in
                try await TestSimulator.with(symbols: 40, latencyMillis: Self.latency) { simulator in
                    let symbols = simulator.tradingPerpetuals(30)
                    try workspace.writeManifest(Self.manifest(simulator, symbols: symbols, database: cluster.url))

                    let run = try CLI.start(
                        ["apply", "manifest.yaml", "--report", workspace.path("report.json")], in: workspace.folder)
                    try await Self.waitForCommits(3, in: cluster, run: run)
                    try await cluster.crash()
                    let crashed = ContinuousClock.now
                    let output = try await run.wait(timeout: .seconds(60))
                    let took = ContinuousClock.now - crashed
                    #expect(!output.killedBySignal && [1, 2].contains(output.exitCode), "\(output)")
                    #expect(took < .seconds(30), "the run ended \(took) after the crash")

                    let report = try workspace.readReport("report.json", context: output)
                    #expect(report.status != .ok)
                    let failed = report.symbols.filter { $0.status == .failed }
                    #expect(!failed.isEmpty, "symbols in flight fail")
                    // In the project's words: a database error that names the server (password redacted).
                    let redacted = "postgres://klinesync:***@127.0.0.1:"
                    for symbol in failed {
                        let error = try #require(symbol.error, "\(symbol.symbol) failed without an error")
                        #expect(["database", "store"].contains(error.code), "\(symbol)")
                        #expect(error.message.contains(redacted), "\(symbol)")
                        #expect(!error.message.contains("PSQLError") && !error.message.contains("NIO"), "\(symbol)")
                    }
                    let text = try String(contentsOfFile: workspace.path("report.json"), encoding: .utf8)
                    #expect(!text.contains(cluster.password))
                    #expect(!output.stderr.contains(cluster.password) && !output.stdout.contains(cluster.password))

                    // The server back: each symbol is whole or absent, and the committed ones match the report.
                    try await cluster.restart()
                    let stored = try await Self.storedDigests(workspace)
                    var whole = Set<String>()
                    for symbol in symbols {
                        let expected = Self.windows.map { interval, count in
                            Self.digest(simulator.expectedLatest(count, symbol: symbol, interval: interval))
                        }
                        let found = Self.windows.map { interval, _ in stored["\(symbol) \(interval.name)"] }
                        if found.allSatisfy({ $0 == nil }) { continue }
                        #expect(found == expected.map { Optional($0) }, "\(symbol) is partly stored")
                        whole.insert(symbol)
                    }
                    let ok = Set(report.symbols.filter { $0.status == .ok }.map(\.symbol))
                    #expect(ok.isSubset(of: whole), "every symbol reported ok is stored")
                    #expect(whole.count >= 3 && whole.count < symbols.count, "the crash came mid-run")

                    // And a re-run completes what is missing.
                    let (rerun, rerunReport) = try await workspace.apply(report: "rerun.json", timeout: .seconds(60))
                    #expect(rerun.exitCode == 0, "\(rerun)")
                    #expect(rerunReport.status == .ok)
                }
            }
        }
    }

    @Test func sigintWhileTheServerIsDownEndsTheRunPromptly() async throws {
        try await ThrowawayPostgres.with { cluster in
            try await Workspace.with { workspace in
                try await TestSimulator.with(symbols: 40, latencyMillis: Self.latency) { simulator in
                    let symbols = simulator.tradingPerpetuals(30)
                    try workspace.writeManifest(Self.manifest(simulator, symbols: symbols, database: cluster.url))

                    let run = try CLI.start(
                        ["apply", "manifest.yaml", "--report", workspace.path("report.json")], in: workspace.folder)
                    try await Self.waitForCommits(2, in: cluster, run: run)
                    try await cluster.crash()
                    run.send(SIGINT)
                    let signalled = ContinuousClock.now
                    let output = try await run.wait(timeout: .seconds(30))
                    let took = ContinuousClock.now - signalled
                    #expect(!output.killedBySignal && [1, 2].contains(output.exitCode), "\(output)")
                    #expect(took < .seconds(15), "SIGINT took \(took) to end the run")
                    #expect(output.stderr.contains("SIGINT"), "\(output)")
                    let report = try workspace.readReport("report.json", context: output)
                    #expect(report.interrupted)
                    #expect(!report.symbols.contains { $0.status == .ok && $0.error != nil })
                }
            }
        }
    }

    @Test func secondSigintEndsARunStuckOnAServerThatStoppedAnswering() async throws {
        try await ThrowawayPostgres.with { cluster in
            try await Workspace.with { workspace in
                try await TestSimulator.with(symbols: 40, latencyMillis: Self.latency) { simulator in
                    let symbols = simulator.tradingPerpetuals(30)
                    try workspace.writeManifest(Self.manifest(simulator, symbols: symbols, database: cluster.url))

                    let run = try CLI.start(
                        ["apply", "manifest.yaml", "--report", workspace.path("report.json")], in: workspace.folder)
                    try await Self.waitForCommits(2, in: cluster, run: run)
                    // Frozen, the server keeps its connections open and answers nothing: without the signals the
                    // run would wait out the store's idle timeout (30 s) before failing what is in flight.
                    try cluster.freeze()
                    let frozen = ContinuousClock.now
                    run.send(SIGINT)
                    try await Task.sleep(for: .milliseconds(500))
                    run.send(SIGINT)
                    let signalled = ContinuousClock.now
                    let output = try await run.wait(timeout: .seconds(60))
                    let took = ContinuousClock.now - signalled
                    try cluster.thaw()
                    #expect(!output.killedBySignal && output.exitCode == 2, "\(output)")
                    #expect(took < .seconds(8), "the second SIGINT took \(took) to end the run")
                    #expect(ContinuousClock.now - frozen < .seconds(25), "the run waited for the frozen server")
                    #expect(output.stderr.contains("SIGINT"), "\(output)")
                    let report = try workspace.readReport("report.json", context: output)
                    #expect(report.interrupted)
                    #expect(report.symbols.contains { $0.status == .ok })

                    // Nothing half-written: every symbol stored is whole, and every one reported ok is stored.
                    let stored = try await Self.storedDigests(workspace)
                    var whole = Set<String>()
                    for symbol in symbols {
                        let expected = Self.windows.map { interval, count in
                            Self.digest(simulator.expectedLatest(count, symbol: symbol, interval: interval))
                        }
                        let found = Self.windows.map { interval, _ in stored["\(symbol) \(interval.name)"] }
                        if found.allSatisfy({ $0 == nil }) { continue }
                        #expect(found == expected.map { Optional($0) }, "\(symbol) is partly stored")
                        whole.insert(symbol)
                    }
                    #expect(Set(report.symbols.filter { $0.status == .ok }.map(\.symbol)).isSubset(of: whole))
                }
            }
        }
    }

    /// `status --json`: the digest of every stored series with bars, by "SYMBOL INTERVAL".
    static func storedDigests(_ workspace: Workspace) async throws -> [String: String] {
        let status = try await workspace.run("status", "manifest.yaml", "--json")
        try #require(status.exitCode == 0, "\(status)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        var digests: [String: String] = [:]
        for entry in json["series"] as? [[String: Any]] ?? [] where (entry["bars"] as? Int ?? 0) > 0 {
            digests["\(entry["symbol"]!) \(entry["interval"]!)"] = entry["digest"] as? String
        }
        return digests
    }

    static func digest(_ bars: [Bar]) -> String {
        let builder = DigestBuilder()
        for bar in bars { builder.add(bar) }
        return builder.finish()
    }
}
