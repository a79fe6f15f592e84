import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Plans and reports of every kind validate against `schema/*.schema.json` with a real JSON Schema validator.
/// (The other tests also check their reports when the validator is installed; this one must not be skipped in CI.)
@Suite struct SchemaTests {
    @Test(.enabled(if: SchemaCheck.available, "needs python3 with jsonschema and pyyaml"))
    func plansAndReportsOfEveryKindMatchTheirSchemas() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                let symbols = simulator.tradingPerpetuals(4)
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                manifest.force = ["{ symbols: [\"\(symbols[0])\"], intervals: [1d], range: { last: 2 } }"]
                try workspace.writeManifest(manifest.yaml)

                let plan = try await workspace.run("plan", "manifest.yaml", "--json")
                #expect(plan.exitCode == 0, "\(plan)")
                try plan.stdout.write(toFile: workspace.path("plan.json"), atomically: true, encoding: .utf8)

                simulator.script(symbol: symbols[2], faults: [.serverError(500), .serverError(502)])
                let (partial, _) = try await workspace.apply(report: "partial.json")
                #expect(partial.exitCode == 2, "\(partial)")
                let (ok, _) = try await workspace.apply(report: "ok.json")
                #expect(ok.exitCode == 0, "\(ok)")

                let converged = try await workspace.run("plan", "manifest.yaml", "--json")
                try converged.stdout.write(
                    toFile: workspace.path("replace-only.json"), atomically: true, encoding: .utf8)

                var unreachable = manifest
                unreachable.baseURL = "http://127.0.0.1:1"
                unreachable.retry = "{ max_attempts: 1 }"
                try workspace.writeManifest(unreachable.yaml)
                let (failed, _) = try await workspace.apply(report: "failed.json")
                #expect(failed.exitCode == 1, "\(failed)")

                let result = try await RunningCLI(
                    binary: try #require(SchemaCheck.python3),
                    arguments: [
                        CLI.root.appendingPathComponent("schema/check.py").path,
                        "--plan", workspace.path("plan.json"), "--plan", workspace.path("replace-only.json"),
                        "--report", workspace.path("partial.json"), "--report", workspace.path("ok.json"),
                        "--report", workspace.path("failed.json"),
                    ], directory: CLI.root
                ).wait()
                #expect(result.exitCode == 0, "\(result)")
                #expect(result.stdout.contains(", 0 failed"), "\(result)")
            }
        }
    }
}
