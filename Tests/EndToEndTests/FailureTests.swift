import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Failures the exit codes and the report must tell apart: a failed symbol, an unreachable exchange, a busy
/// database, a bad manifest.
@Suite struct FailureTests {
    @Test func serverErrorsBeyondRetriesFailOnlyThatSymbol() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                let symbols = simulator.tradingPerpetuals(6)
                let victim = try #require(symbols.dropFirst(2).first)
                try workspace.writeManifest(ManifestText(simulator: simulator, symbols: symbols).yaml)
                simulator.script(symbol: victim, faults: Array(repeating: .serverError(503), count: 10))

                let (output, report) = try await workspace.apply(report: "partial.json")
                #expect(output.exitCode == 2, "\(output)")
                #expect(report.status == .partial)
                #expect(output.stderr.contains("error: \(victim)"), "\(output)")
                let failed = try #require(report.symbols.first { $0.symbol == victim })
                #expect(failed.status == .failed)
                let error = try #require(failed.error)
                #expect(error.message.contains("503"), "\(error)")
                #expect(failed.series.contains { $0.error != nil && $0.requests == 2 && $0.retries == 1 })
                #expect(failed.series.allSatisfy { $0.barsInserted == 0 })
                #expect(report.totals.symbolsFailed == 1 && report.totals.symbolsOk == symbols.count - 1)
                #expect(simulator.counters[503] == 2, "max_attempts: 2, then the series fails")

                let (complete, untouched) = try await expectCompleteOrUntouched(
                    workspace, simulator, symbols: symbols, windows: [(hour, 48), (day, 10)])
                #expect(untouched == [victim])
                #expect(complete == Set(symbols).subtracting([victim]))
                try await SchemaCheck.expectValid(reports: [workspace.path("partial.json")])

                simulator.clearFaults()
                let (rerun, fixed) = try await workspace.apply(report: "rerun.json")
                #expect(rerun.exitCode == 0, "\(rerun)")
                #expect(fixed.symbols.map(\.symbol) == [victim], "only the failed symbol is left to do")
                let (after, _) = try await expectCompleteOrUntouched(
                    workspace, simulator, symbols: symbols, windows: [(hour, 48), (day, 10)])
                #expect(after == Set(symbols))
            }
        }
    }

    @Test func unreachableExchangeExitsOneWithAFailedReport() async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{}")
            manifest.baseURL = "http://127.0.0.1:1"
            manifest.simulator = nil
            // One attempt: the client spends its whole connect timeout (10 s) on a refused connection.
            manifest.retry = "{ max_attempts: 1 }"
            try workspace.writeManifest(manifest.yaml)
            let (output, report) = try await workspace.apply(report: "failed.json")
            #expect(output.exitCode == 1, "\(output)")
            #expect(output.stderr.contains("127.0.0.1:1"), "the error names where it tried: \(output)")
            #expect(report.status == .failed)
            #expect(report.error?.code == "exchange_unreachable")
            #expect(report.symbols.isEmpty && report.totals.requests == 0)
            try await SchemaCheck.expectValid(reports: [workspace.path("failed.json")])
        }
    }

    @Test func secondConcurrentApplyExitsOneNamingTheHolder() async throws {
        try await Workspace.with { workspace in
            // The first apply's first klines response takes 4 s (one symbol at a time), so it holds the lock for at
            // least that long, however slow the machine is.
            try await TestSimulator.with(symbols: 20) { simulator in
                let symbols = simulator.tradingPerpetuals(4)
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                manifest.concurrency = 1
                try workspace.writeManifest(manifest.yaml)
                simulator.script(symbol: symbols[0], faults: [.latency(4000)])

                let first = try CLI.start(
                    ["apply", "manifest.yaml", "--report", workspace.path("first.json")], in: workspace.folder)
                let lockFile = workspace.databasePath + ".lock"
                let deadline = ContinuousClock.now + .seconds(10)
                while (try? String(contentsOfFile: lockFile, encoding: .utf8))?.hasPrefix("\(first.pid)\n") != true {
                    try #require(ContinuousClock.now < deadline && first.isRunning, "the first apply never locked")
                    try await Task.sleep(for: .milliseconds(20))
                }

                let (second, report) = try await workspace.apply(report: "second.json", ["--lock-timeout", "1"])
                #expect(first.isRunning, "the first apply still held the lock")
                #expect(second.exitCode == 1, "\(second)")
                #expect(second.stderr.contains("pid \(first.pid)"), "names the holder: \(second)")
                #expect(report.status == .failed && report.error?.code == "locked")

                let done = try await first.wait(timeout: .seconds(30))
                #expect(done.exitCode == 0, "\(done)")
                try await SchemaCheck.expectValid(reports: [
                    workspace.path("first.json"), workspace.path("second.json"),
                ])
            }
        }
    }

    @Test func validateRejectsABadManifestAndWritesNothing() async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{ seed: 7, symbols: 12, now: 2024-06-03T12:30:00Z }")
            manifest.intervals = [("1H", "{ bars: 48 }")]
            manifest.concurrency = 1000
            try workspace.writeManifest(manifest.yaml)

            let output = try await workspace.run("validate", "manifest.yaml")
            #expect(output.exitCode == 1, "\(output)")
            let diagnostics = output.stdout + output.stderr
            #expect(diagnostics.contains("manifest.yaml:"), "located diagnostics: \(output)")
            #expect(diagnostics.contains("1H"), "\(output)")
            #expect(diagnostics.contains("concurrency"), "every problem at once: \(output)")

            let apply = try await workspace.run("apply", "manifest.yaml")
            #expect(apply.exitCode == 1, "\(apply)")
            let left = try FileManager.default.contentsOfDirectory(atPath: workspace.folder.path)
            #expect(left == ["manifest.yaml"], "no database, lock or report: \(left)")
        }
    }

    @Test func reportDashPrintsTheReportOnStdout() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                try workspace.writeManifest(
                    ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(3)).yaml)
                let output = try await workspace.run("apply", "manifest.yaml", "--report", "-")
                #expect(output.exitCode == 0, "\(output)")
                let report = try JSONCoding.decoder().decode(Report.self, from: Data(output.stdout.utf8))
                #expect(report.status == .ok && report.symbols.count == 3)
                #expect(!workspace.fileExists("reports"), "no report file with --report -")
                try output.stdout.write(toFile: workspace.path("stdout.json"), atomically: true, encoding: .utf8)
                try await SchemaCheck.expectValid(reports: [workspace.path("stdout.json")])
            }
        }
    }
}
