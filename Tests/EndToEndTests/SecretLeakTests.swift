import Foundation
import Testing

/// A PostgreSQL password written in any of libpq's spellings never reaches the terminal or the report: `validate`
/// shows the database redacted, and the connect failure of `plan` and `apply` (a port nothing listens on) and the
/// report's `database` field name it without the secret.
@Suite struct SecretLeakTests {
    static let secret = "Sup3rS3cretPw"

    /// `database:` values that carry `secret`, as libpq would take them.
    static let databases = [
        "postgres://klinesync:\(secret)@127.0.0.1:1/klines",
        "postgres://klinesync@127.0.0.1:1/klines?password=\(secret)",
        "postgresql://127.0.0.1:1/klines?user=klinesync&PassWord=\(secret)&sslmode=disable",
        "postgres://klinesync@127.0.0.1:1/klines?sslmode=disable&password=\(secret)%26more",
        "'host=127.0.0.1 port=1 dbname=klines user=klinesync password=\(secret)'",
        "\"host=127.0.0.1 password = '\(secret) x' dbname=klines\"",
    ]

    @Test(arguments: databases)
    func noCommandPrintsOrReportsThePassword(database: String) async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with(symbols: 2) { simulator in
                var text = ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(1)).yaml
                text = text.replacingOccurrences(of: "database: sqlite:klines.sqlite", with: "database: \(database)")
                try workspace.writeManifest(text)
                for arguments in [["validate"], ["plan"], ["apply", "--report", "report.json"], ["status"]] {
                    let output = try await CLI.run(
                        [arguments[0], "manifest.yaml"] + arguments.dropFirst(), in: workspace.folder)
                    #expect(!output.killedBySignal, "\(arguments): \(output)")
                    #expect(!output.stdout.contains(Self.secret), "\(arguments) stdout: \(output.stdout)")
                    #expect(!output.stderr.contains(Self.secret), "\(arguments) stderr: \(output.stderr)")
                    #expect(!output.stdout.contains("%26more") && !output.stderr.contains("%26more"), "\(output)")
                }
                if workspace.fileExists("report.json") {
                    let report = try String(contentsOfFile: workspace.path("report.json"), encoding: .utf8)
                    #expect(!report.contains(Self.secret), "report: \(report)")
                }
            }
        }
    }

    @Test func validateShowsTheRedactedURLOfAQueryPassword() async throws {
        try await Workspace.with { workspace in
            var text = ManifestText(embedded: "{ symbols: 2 }").yaml
            text = text.replacingOccurrences(
                of: "database: sqlite:klines.sqlite", with: "database: postgres://u@db.example/klines?password=p4ss")
            try workspace.writeManifest(text)
            let output = try await workspace.run("validate", "manifest.yaml")
            #expect(output.exitCode == 0, "\(output)")
            #expect(output.stdout.contains("postgres://u@db.example/klines?password=***"), "\(output)")
            #expect(!output.stdout.contains("p4ss") && !output.stderr.contains("p4ss"), "\(output)")
        }
    }
}
