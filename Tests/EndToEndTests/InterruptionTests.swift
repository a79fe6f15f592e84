import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A run stopped part way — killed outright or asked to stop — leaves every symbol complete or untouched.
@Suite struct InterruptionTests {
    /// 16 symbols × 2 series, 150 ms a response, two symbols at a time: about 2.5 s of work to stop in the middle.
    static let latency = 150
    static let windows: [(Interval, Int64)] = [(hour, 48), (day, 10)]

    @Test func sigkillMidRunLeavesEachSymbolCompleteOrUntouchedAndARerunConverges() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with(symbols: 30, latencyMillis: Self.latency) { simulator in
                let symbols = simulator.tradingPerpetuals(16)
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                manifest.concurrency = 2
                try workspace.writeManifest(manifest.yaml)

                let run = try CLI.start(
                    ["apply", "manifest.yaml", "--report", workspace.path("killed.json")], in: workspace.folder)
                try await waitUntil(atLeast: 3, symbolsOf: workspace, run: run)
                run.send(SIGKILL)
                let killed = try await run.wait(timeout: .seconds(10))
                #expect(killed.killedBySignal && killed.exitCode == SIGKILL, "\(killed)")

                let (complete, untouched) = try await expectCompleteOrUntouched(
                    workspace, simulator, symbols: symbols, windows: Self.windows)
                #expect(complete.count >= 3, "the kill came after three commits")
                #expect(!untouched.isEmpty, "the kill came before the end of the run")
                #expect(complete.count + untouched.count == symbols.count)

                let (rerun, report) = try await workspace.apply(report: "rerun.json", timeout: .seconds(30))
                #expect(rerun.exitCode == 0, "\(rerun)")
                #expect(report.status == .ok)
                #expect(Set(report.symbols.map(\.symbol)) == untouched, "the re-run resumes from what is stored")
                let (after, _) = try await expectCompleteOrUntouched(
                    workspace, simulator, symbols: symbols, windows: Self.windows)
                #expect(after == Set(symbols))
                let plan = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
                #expect(plan.exitCode == 0, "\(plan)")
                try await SchemaCheck.expectValid(reports: [workspace.path("rerun.json")])
            }
        }
    }

    @Test func sigintMidRunExitsTwoWithAnInterruptedReport() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with(symbols: 30, latencyMillis: Self.latency) { simulator in
                let symbols = simulator.tradingPerpetuals(16)
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                manifest.concurrency = 2
                try workspace.writeManifest(manifest.yaml)

                let run = try CLI.start(
                    ["apply", "manifest.yaml", "--report", workspace.path("report.json")], in: workspace.folder)
                try await waitUntil(atLeast: 3, symbolsOf: workspace, run: run)
                run.send(SIGINT)
                let output = try await run.wait(timeout: .seconds(20))
                #expect(!output.killedBySignal && output.exitCode == 2, "\(output)")
                #expect(output.stderr.contains("SIGINT"), "\(output)")

                let report = try workspace.readReport("report.json", context: output)
                #expect(report.interrupted)
                #expect(report.status == .partial)
                #expect(report.symbols.map(\.symbol) == symbols, "every planned symbol is accounted for")
                let ok = Set(report.symbols.filter { $0.status == .ok }.map(\.symbol))
                let skipped = Set(report.symbols.filter { $0.status == .skipped }.map(\.symbol))
                #expect(ok.count >= 3 && !skipped.isEmpty, "stopped in the middle")
                #expect(report.symbols.allSatisfy { $0.status != .failed }, "symbols in flight were let finish")

                let (complete, untouched) = try await expectCompleteOrUntouched(
                    workspace, simulator, symbols: symbols, windows: Self.windows)
                #expect(complete == ok)
                #expect(untouched == skipped)
                try await SchemaCheck.expectValid(reports: [workspace.path("report.json")])

                let plan = try await workspace.run("plan", "manifest.yaml", "--detailed-exitcode")
                #expect(plan.exitCode == 2, "the skipped symbols are still to do: \(plan)")
            }
        }
    }

    @Test func secondSigintAbandonsSymbolsInFlightAndRollsThemBack() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with(symbols: 30, latencyMillis: Self.latency) { simulator in
                let symbols = simulator.tradingPerpetuals(16)
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                manifest.concurrency = 2
                try workspace.writeManifest(manifest.yaml)

                let run = try CLI.start(
                    ["apply", "manifest.yaml", "--report", workspace.path("report.json")], in: workspace.folder)
                try await waitUntil(atLeast: 3, symbolsOf: workspace, run: run)
                run.send(SIGINT)
                try await Task.sleep(for: .milliseconds(30))
                run.send(SIGINT)
                let output = try await run.wait(timeout: .seconds(20))
                #expect(!output.killedBySignal && output.exitCode == 2, "\(output)")

                let report = try workspace.readReport("report.json", context: output)
                #expect(report.interrupted && report.status == .partial)
                #expect(report.symbols.map(\.symbol) == symbols)
                let ok = Set(report.symbols.filter { $0.status == .ok }.map(\.symbol))
                for symbol in report.symbols where symbol.status == .failed {
                    #expect(
                        symbol.error?.code == "interrupted", "\(symbol.symbol): \(String(describing: symbol.error))")
                }
                let (complete, untouched) = try await expectCompleteOrUntouched(
                    workspace, simulator, symbols: symbols, windows: Self.windows)
                #expect(complete == ok)
                #expect(untouched == Set(symbols).subtracting(ok))
                try await SchemaCheck.expectValid(reports: [workspace.path("report.json")])
            }
        }
    }
}

/// Waits until `count` symbols have bars committed in the workspace's database; fails if the run ends first.
func waitUntil(atLeast count: Int, symbolsOf workspace: Workspace, run: RunningCLI, timeout: Duration = .seconds(60))
    async throws
{
    let deadline = ContinuousClock.now + timeout
    while workspace.symbolsWithBars().count < count {
        guard run.isRunning else {
            let output = try await run.wait()
            Issue.record("the run ended before \(count) symbols were committed: \(output)")
            throw CancellationError()
        }
        guard ContinuousClock.now < deadline else {
            run.send(SIGKILL)
            Issue.record("\(count) symbols were not committed within \(timeout): \(run.stderrSoFar)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
