import Foundation
import KlineSyncCore
import Testing

/// An exchange that cannot be reached at all: the first request fails at once, without the retries meant for an
/// exchange that answered before and is restarting, and says what to check.
@Suite struct ExchangeErrorTests {
    @Test(arguments: ["plan", "apply"])
    func aRefusedConnectionFailsAtOnceSayingWhatToCheck(command: String) async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{}")
            let url = "http://127.0.0.1:\(try ClosedPort.find())"
            manifest.baseURL = url
            manifest.simulator = nil
            // Generous retries: none of them may be used.
            manifest.retry = "{ max_attempts: 8, initial_backoff: 2s, max_backoff: 10s }"
            try workspace.writeManifest(manifest.yaml)

            let report = command == "apply" ? ["--report", "report.json"] : []
            let output = try await CLI.run([command, "manifest.yaml"] + report, in: workspace.folder)
            #expect(output.exitCode == 1, "\(output)")
            #expect(
                output.stderr.contains("error: cannot connect to \(url) (connection refused): is base_url right?"),
                "\(output)")
            #expect(!output.stderr.contains("errno") && !output.stderr.contains("error set"), "\(output)")
            if command == "apply" {
                let report = try workspace.readReport("report.json", context: output)
                #expect(report.status == .failed && report.error?.code == "exchange_unreachable")
                #expect(report.totals.retries == 0 && report.totals.requests <= 1, "\(report.totals)")
            }
            #expect(!workspace.fileExists("klines.sqlite"))
        }
    }
}
