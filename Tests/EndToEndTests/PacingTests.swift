import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// klinesync processes sharing one IP (one simulator on the real clock, weight limit 2400, default pacing: a budget
/// of 1200 each): weight another process sent in this minute, or a process that ended, does not stall the next
/// one, and two at once both keep to their budgets without waiting when the limit leaves room for both.
@Suite struct PacingTests {
    /// Runs `body` with a simulator and a workspace, stopping the simulator afterwards.
    static func with(_ name: String = #function, _ body: (RunningSimulator, Workspace) async throws -> Void)
        async throws
    {
        let simulator = try await Simulator.start(
            SimulatorConfiguration(market: .usdm, seed: 5, symbolCount: 16, weightLimit: 2400, clock: .real))
        do {
            try await Workspace.with(name) { try await body(simulator, $0) }
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
    }

    /// A manifest of every perpetual, 6,000 1h bars each (hundreds of weight in all), into `database`.
    static func manifest(_ simulator: RunningSimulator, database: String) -> String {
        var text = ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(12))
        text.intervals = [("1h", "{ bars: 6000 }")]
        return text.yaml.replacingOccurrences(of: "sqlite:klines.sqlite", with: "sqlite:\(database)")
    }

    /// Milliseconds the run's requests waited for a minute's budget, and the 429s it saw.
    static func waited(_ report: Report) -> Int { report.pacing?.minutes.reduce(0) { $0 + $1.waitedMs } ?? 0 }

    @Test func aSecondApplyInTheSameMinuteDoesNotWaitForTheFirstOnesWeight() async throws {
        try await Self.with { simulator, workspace in
            try workspace.writeManifest(Self.manifest(simulator, database: "first.sqlite"), name: "first.yaml")
            try workspace.writeManifest(Self.manifest(simulator, database: "second.sqlite"), name: "second.yaml")
            let (firstOutput, first) = try await workspace.apply(report: "first.json", input: "first.yaml")
            #expect(firstOutput.exitCode == 0 && first.totals.weightUsed >= 200, "\(firstOutput)")
            let (output, second) = try await workspace.apply(
                report: "second.json", input: "second.yaml", timeout: .seconds(150))
            #expect(output.exitCode == 0, "\(output)")
            #expect(second.totals.symbolsOk == simulator.tradingPerpetuals(12).count)
            #expect(Self.waited(second) == 0, "the first apply's weight is spent, not a rate: \(second.pacing!)")
            #expect(second.totals.weightUsed + first.totals.weightUsed <= 2400)
            #expect(simulator.counters.byStatus[429] == nil)
        }
    }

    @Test func twoAppliesAtOnceBothFinishWithinTheLimitWithoutWaiting() async throws {
        try await Self.with { simulator, workspace in
            try workspace.writeManifest(Self.manifest(simulator, database: "left.sqlite"), name: "left.yaml")
            try workspace.writeManifest(Self.manifest(simulator, database: "right.sqlite"), name: "right.yaml")
            let left = try CLI.start(
                ["apply", "left.yaml", "--report", "left.json"], in: workspace.folder)
            let right = try CLI.start(
                ["apply", "right.yaml", "--report", "right.json"], in: workspace.folder)
            let outputs = (try await left.wait(), try await right.wait())
            #expect(outputs.0.exitCode == 0 && outputs.1.exitCode == 0, "\(outputs)")
            let reports = (try workspace.readReport("left.json"), try workspace.readReport("right.json"))
            #expect(
                reports.0.totals.symbolsOk == simulator.tradingPerpetuals(12).count
                    && reports.1.totals.symbolsOk == simulator.tradingPerpetuals(12).count)
            // Each sees the other's growing weight, and the limit (2400) leaves room for both budgets' worth.
            #expect(
                Self.waited(reports.0) == 0 && Self.waited(reports.1) == 0, "\(reports.0.pacing!) \(reports.1.pacing!)")
            #expect(simulator.counters.byStatus[429] == nil)
        }
    }
}
