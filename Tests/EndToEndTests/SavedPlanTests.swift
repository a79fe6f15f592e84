import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// `plan --out` then `apply PLAN`: exactly that plan, or nothing when the database changed in between.
@Suite struct SavedPlanTests {
    /// Every stored bar, as text: to show that nothing was written.
    static func dump(_ workspace: Workspace) throws -> [String] {
        try workspace.withDatabase { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT s.symbol || ' ' || s.interval || ' ' || b.open_time || ' ' || b.close
                    FROM bars b JOIN series s ON s.id = b.series_id ORDER BY 1
                    """)
        }
    }

    @Test func stalePlanIsRefusedWithExitOneAndNothingWritten() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                let symbols = simulator.tradingPerpetuals(3)
                try workspace.writeManifest(ManifestText(simulator: simulator, symbols: symbols).yaml)

                // A fresh saved plan applies, exactly.
                let saved = try await workspace.run("plan", "manifest.yaml", "--out", "fresh.json")
                #expect(saved.exitCode == 0, "\(saved)")
                let (fresh, report) = try await workspace.apply(report: "fresh-report.json", input: "fresh.json")
                #expect(fresh.exitCode == 0, "\(fresh)")
                #expect(report.symbols.count == symbols.count && report.status == .ok)

                // Two hours later: save a plan, then let another apply change the database first.
                simulator.advance(by: 2 * 3_600_000)
                let later = try await workspace.run("plan", "manifest.yaml", "--out", "stale.json")
                #expect(later.exitCode == 0, "\(later)")
                // (This apply writes its report to the manifest's report.path: reports/{run_id}.json.)
                let other = try await workspace.run("apply", "manifest.yaml")
                #expect(other.exitCode == 0, "\(other)")
                let reports = try FileManager.default.contentsOfDirectory(atPath: workspace.path("reports"))
                #expect(reports.count == 1 && reports[0].hasSuffix(".json"), "\(reports)")
                #expect(other.stdout.contains("Report: \(workspace.path("reports"))/"), "\(other)")
                let before = try Self.dump(workspace)

                let (stale, refused) = try await workspace.apply(report: "stale-report.json", input: "stale.json")
                #expect(stale.exitCode == 1, "\(stale)")
                #expect(stale.stderr.contains("plan is stale"), "\(stale)")
                #expect(refused.status == .failed && refused.error?.code == "stale_plan")
                #expect(refused.symbols.isEmpty)
                #expect(try Self.dump(workspace) == before, "nothing written")
                try await SchemaCheck.expectValid(
                    reports: [workspace.path("fresh-report.json"), workspace.path("stale-report.json")],
                    plans: [workspace.path("fresh.json"), workspace.path("stale.json")])
            }
        }
    }
}
