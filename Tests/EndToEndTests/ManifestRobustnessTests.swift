import Foundation
import Testing

/// The real binary on manifests that used to crash it or slip through: `validate`, `plan` and `apply` exit 1 with
/// a located `file:line:column: error:` and nothing else happens (no database, no report).
@Suite struct ManifestRobustnessTests {
    static let head = "version: 1\nsource:\n  exchange: binance\n  market: usdm\ndatabase: sqlite:klines.sqlite\n"

    @Test(arguments: [
        (
            "intervals:\n  1h: { lookback: 106751991168d }\n",
            "manifest.yaml:7:19: error: interval 1h: lookback must be between 1ms and 36500d, found '106751991168d'"
        ),
        (
            "intervals: {1h: {bars: 10}}\nretry: { initial_backoff: 106751991168d }\n",
            "manifest.yaml:7:27: error: retry.initial_backoff must be between 1ms and 10m, found '106751991168d'"
        ),
        (
            "intervals: {1h: {bars: 10}}\npacing:\n  request_delay: 99999999999999999999d\n",
            "manifest.yaml:8:18: error: pacing.request_delay must be between 0ms and 1m, found '99999999999999999999d'"
        ),
        (
            "intervals: {1h: {bars: 10}}\nforce: [{ symbols: [], range: all }]\n",
            "manifest.yaml:7:20: error: force rule 1: symbols is empty, so the rule can never match; list at least one symbol pattern, such as [\"BTCUSDT\"]"
        ),
    ])
    func everyCommandRejectsTheManifestWithALocatedError(_ body: String, _ expected: String) async throws {
        try await Workspace.with { workspace in
            try workspace.writeManifest(Self.head + body)
            for command in [["validate"], ["plan"], ["apply", "--report", "report.json"]] {
                let output = try await CLI.run(
                    [command[0], "manifest.yaml"] + command.dropFirst(), in: workspace.folder)
                #expect(!output.killedBySignal && output.exitCode == 1, "\(command): \(output)")
                #expect(output.stderr.contains(expected), "\(command): \(output)")
            }
            #expect(!workspace.fileExists("klines.sqlite") && !workspace.fileExists("report.json"))
        }
    }

    @Test func bytesThatAreNotUTF8OrControlCharactersAreLocated() async throws {
        try await Workspace.with { workspace in
            // Line 7 holds "résumé" with its last é in Latin-1; line 7 of the other holds a NUL.
            var latin1 = Data((Self.head + "intervals: {1h: {bars: 10}}\n# r").utf8)
            latin1.append(contentsOf: [0xC3, 0xA9, 0x73, 0x75, 0x6D, 0xE9, 0x0A])
            try latin1.write(to: URL(fileURLWithPath: workspace.path("latin1.yaml")))
            try (Self.head + "intervals: {1h: {bars: 1\u{0}0}}\n").write(
                toFile: workspace.path("nul.yaml"), atomically: true, encoding: .utf8)
            let output = try await workspace.run("validate", "latin1.yaml", "nul.yaml")
            #expect(output.exitCode == 1, "\(output)")
            #expect(
                output.stderr.contains("latin1.yaml:7:8: error: manifest is not UTF-8 text: byte 0xE9"), "\(output)")
            #expect(
                output.stderr.contains("nul.yaml:6:25: error: control character U+0000 is not allowed in YAML text"),
                "\(output)")
        }
    }

    @Test func portsOutOfRangeAreRejectedWhereTheyAreWritten() async throws {
        try await Workspace.with { workspace in
            try workspace.writeManifest(
                "version: 1\nsource:\n  exchange: binance\n  market: usdm\n  base_url: http://127.0.0.1:99999\n"
                    + "database: postgres://k:secret@db:70000/k\nintervals: {1h: {bars: 10}}\n")
            let output = try await workspace.run("validate", "manifest.yaml", "--json")
            #expect(output.exitCode == 1, "\(output)")
            #expect(output.stdout.contains("\"line\" : 5") && output.stdout.contains("has port 99999"), "\(output)")
            #expect(output.stdout.contains("\"line\" : 6") && output.stdout.contains("has port 70000"), "\(output)")
            #expect(!output.stdout.contains("secret") && !output.stderr.contains("secret"), "\(output)")
        }
    }
}
