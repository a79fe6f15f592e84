import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `apply` leaves on disk besides the database: reports written onto special files without replacing them,
/// nothing created when nothing is applied, failures said in the project's words, progress that reaches a pipe.
@Suite struct SideEffectTests {
    @Test func reportOntoAFIFOIsWrittenIntoItAndTheFIFOStays() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                try workspace.writeManifest(
                    ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(3)).yaml)
                let fifo = workspace.path("report.fifo")
                try #require(mkfifo(fifo, 0o600) == 0, "mkfifo: \(String(cString: strerror(errno)))")
                let reader = FIFOReader(fifo)

                let output = try await workspace.run("apply", "manifest.yaml", "--report", fifo)
                let received = try #require(reader.finish(), "nothing was written into the FIFO: \(output)")
                #expect(output.exitCode == 0, "\(output)")
                let report = try JSONCoding.decoder().decode(Report.self, from: received)
                #expect(report.status == .ok && report.symbols.count == 3)
                #expect(FileKind.of(fifo) == .fifo, "the FIFO is still a FIFO")
                let left = try FileManager.default.contentsOfDirectory(atPath: workspace.folder.path)
                #expect(!left.contains { $0.hasPrefix(".") }, "no temporary file beside it: \(left)")
            }
        }
    }

    @Test(.enabled(if: FileKind.canMakeNullDevice, "needs mknod of a character device (root, no nodev mount)"))
    func reportOntoACharacterDeviceIsWrittenInPlaceAndTheDeviceStays() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                try workspace.writeManifest(
                    ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(2)).yaml)
                let device = workspace.path("null")
                try #require(FileKind.makeNullDevice(at: device))

                let output = try await workspace.run("apply", "manifest.yaml", "--report", device)
                #expect(output.exitCode == 0, "\(output)")
                #expect(FileKind.of(device) == .characterDevice, "still a device, not a JSON file")
                #expect(output.stdout.contains("Report: \(device)"), "\(output)")
            }
        }
    }

    @Test(.enabled(if: access("/dev/full", W_OK) == 0, "needs a writable /dev/full"))
    func reportOntoAFullDeviceExitsNonZeroSayingWhy() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                try workspace.writeManifest(
                    ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(2)).yaml)
                let output = try await workspace.run("apply", "manifest.yaml", "--report", "/dev/full")
                #expect(output.exitCode == 2, "the run applied its symbols, but the report is missing: \(output)")
                #expect(
                    output.stderr.contains("error: cannot write the report to /dev/full: no space left on device"),
                    "\(output)")
                #expect(!output.stdout.contains("Report: /dev/full"), "\(output)")
                #expect(FileKind.of("/dev/full") == .characterDevice)
                #expect(workspace.symbolsWithBars().count == 2, "the symbols were committed")
            }
        }
    }

    @Test func reportOntoASymlinkUpdatesItsTargetAndKeepsTheLink() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                try workspace.writeManifest(
                    ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(2)).yaml)
                let folder = workspace.path("kept")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
                let target = folder + "/latest.json"
                try "old".write(toFile: target, atomically: false, encoding: .utf8)
                try #require(chmod(target, 0o640) == 0)
                let link = workspace.path("latest.json")
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "kept/latest.json")

                let output = try await workspace.run("apply", "manifest.yaml", "--report", link)
                #expect(output.exitCode == 0, "\(output)")
                #expect(FileKind.of(link) == .symlink, "the link is kept")
                #expect(
                    try FileManager.default.destinationOfSymbolicLink(atPath: link) == "kept/latest.json")
                let report = try workspace.readReport("kept/latest.json", context: output)
                #expect(report.status == .ok && report.symbols.count == 2)
                #expect(FileKind.permissions(of: target) == 0o640, "the target keeps its permissions")
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["latest.json"], "no temp left")
            }
        }
    }

    @Test func reportThatCannotBeWrittenExitsNonZeroInTheProjectsWords() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                try workspace.writeManifest(
                    ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(2)).yaml)
                try "not a folder".write(toFile: workspace.path("plain"), atomically: true, encoding: .utf8)
                try FileManager.default.createDirectory(
                    atPath: workspace.path("folder"), withIntermediateDirectories: false)
                var cases = [
                    ("plain/report.json", "a part of the path is a file, not a folder"),
                    ("folder", "is a directory"),
                ]
                if getuid() != 0 {
                    try FileManager.default.createDirectory(
                        atPath: workspace.path("locked"), withIntermediateDirectories: false)
                    try #require(chmod(workspace.path("locked"), 0o500) == 0)
                    cases.append(("locked/report.json", "permission denied"))
                }
                for (path, reason) in cases {
                    let output = try await workspace.run("apply", "manifest.yaml", "--report", workspace.path(path))
                    #expect(output.exitCode == 2, "\(path): \(output)")
                    #expect(
                        output.stderr.contains("error: cannot write the report to \(workspace.path(path)): "),
                        "\(output)")
                    #expect(output.stderr.contains(reason), "\(path): \(output)")
                    #expect(output.stderr.contains("kept in the database's runs table"), "\(output)")
                    ErrorLines.expectProjectWords(output)
                }
                #expect(FileKind.of(workspace.path("plain")) == .regular)
                #expect(FileKind.of(workspace.path("folder")) == .directory)
            }
        }
    }

    @Test func unreachableExchangeCreatesNoDatabaseLockOrReportFolder() async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{}")
            manifest.baseURL = "http://127.0.0.1:\(try ClosedPort.find())"
            manifest.simulator = nil
            manifest.retry = "{ max_attempts: 1 }"
            try workspace.writeManifest(manifest.yaml)

            let output = try await workspace.run("apply", "manifest.yaml")
            #expect(output.exitCode == 1, "\(output)")
            #expect(output.stderr.hasPrefix("error: "), "\(output)")
            #expect(output.stderr.contains("no report written, as nothing was applied"), "\(output)")
            ErrorLines.expectProjectWords(output)
            let left = try FileManager.default.contentsOfDirectory(atPath: workspace.folder.path)
            #expect(left == ["manifest.yaml"], "no database, -wal, -shm, .lock or reports/: \(left)")

            // A report folder that exists gets the failed run's report.
            try FileManager.default.createDirectory(
                atPath: workspace.path("reports"), withIntermediateDirectories: false)
            let again = try await workspace.run("apply", "manifest.yaml")
            #expect(again.exitCode == 1, "\(again)")
            let reports = try FileManager.default.contentsOfDirectory(atPath: workspace.path("reports"))
            let name = try #require(reports.first, "a report in the existing folder: \(again)")
            let report = try workspace.readReport("reports/\(name)", context: again)
            #expect(report.status == .failed && report.error?.code == "exchange_unreachable")
            #expect(!workspace.fileExists("klines.sqlite") && !workspace.fileExists("klines.sqlite.lock"))
        }
    }

    @Test func progressLinesReachAPipeWhileTheRunIsGoing() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with { simulator in
                let symbols = simulator.tradingPerpetuals(3)
                var manifest = ManifestText(simulator: simulator, symbols: symbols)
                manifest.concurrency = 1
                try workspace.writeManifest(manifest.yaml)
                // One request at a time; the first symbol is quick, then each of the others takes 4 s, so the run
                // goes on for 8 s after the first symbol's line.
                for symbol in symbols.dropFirst() { simulator.script(symbol: symbol, faults: [.latency(4_000)]) }

                let run = try PipedCLI(["apply", "manifest.yaml", "--report", workspace.path("r.json")], workspace)
                let deadline = ContinuousClock.now + .seconds(20)
                var seen = false
                while run.isRunning && ContinuousClock.now < deadline {
                    if run.stdoutSoFar.contains("/3] ") {
                        seen = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let stillRunning = run.isRunning
                run.kill()
                #expect(seen && stillRunning, "a symbol's line arrived before the process ended:\n\(run.stdoutSoFar)")
                #expect(run.stdoutSoFar.contains("✓"), "\(run.stdoutSoFar)")
            }
        }
    }

    @Test func everyErrorLineStartsWithErrorInLowerCase() async throws {
        try await Workspace.with { workspace in
            var manifest = ManifestText(embedded: "{ seed: 7, symbols: 6, now: 2024-06-03T12:30:00Z }")
            manifest.include = ["*"]
            try workspace.writeManifest(manifest.yaml)
            try #"{"format_version": "1", "series": 3}"#.write(
                toFile: workspace.path("bad-plan.json"), atomically: true, encoding: .utf8)
            try "version: 1\nsource: [\n".write(
                toFile: workspace.path("broken.yaml"), atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(
                atPath: workspace.path("plans"), withIntermediateDirectories: false)

            let cases: [([String], Int32, String)] = [
                (["apply", "missing.yaml"], 1, "error: cannot read the manifest or plan missing.yaml: no such file"),
                (["plan", "missing.yaml"], 1, "error: cannot read the manifest missing.yaml: no such file"),
                (["status", "missing.yaml"], 1, "error: cannot read the manifest missing.yaml: no such file"),
                (["validate", "missing.yaml"], 1, "error: cannot read the manifest missing.yaml: no such file"),
                (["apply", "bad-plan.json"], 1, "error: bad-plan.json is not a klinesync plan"),
                (["plan", "broken.yaml"], 1, "broken.yaml:"),
                (
                    ["plan", "manifest.yaml", "--out", "plans"], 1,
                    "error: cannot save the plan to plans: is a directory"
                ),
                (["apply", "manifest.yaml", "--memory-bars", "5"], 64, "error: --memory-bars must be at least 1000"),
                (["apply", "--bogus"], 64, "error: "),
                (["apply", "plans"], 1, "error: cannot read the manifest or plan plans: is a directory"),
            ]
            for (arguments, code, expected) in cases {
                let output = try await CLI.run(arguments, in: workspace.folder)
                let label = arguments.joined(separator: " ")
                #expect(output.exitCode == code, "\(label): \(output)")
                #expect(output.stderr.contains(expected), "\(label): \(output)")
                ErrorLines.expectProjectWords(output, label)
            }
            #expect(!workspace.fileExists("klines.sqlite"), "no error path made a database")
        }
    }
}

/// Checks on what the CLI prints to stderr.
enum ErrorLines {
    /// Every line that says `error:` starts with it or with `FILE:LINE:COL: error:`; no Foundation text.
    static func expectProjectWords(
        _ output: CLI.Output, _ label: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for line in output.stderr.split(separator: "\n") where line.lowercased().contains("error:") {
            let text = String(line)
            #expect(
                text.hasPrefix("error: ") || isLocated(text),
                "\(label): not an `error:` line: \(text)", sourceLocation: sourceLocation)
        }
        for raw in ["NSCocoaErrorDomain", "Error Domain=", "Code=", "Error: "] {
            #expect(
                !output.stderr.contains(raw), "\(label): raw text \(raw): \(output)", sourceLocation: sourceLocation)
        }
    }

    /// `FILE:LINE:COL: error: …`.
    static func isLocated(_ line: String) -> Bool {
        guard let range = line.range(of: ": error: ") else { return false }
        let parts = line[..<range.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.suffix(2).allSatisfy { Int($0) != nil }
    }
}
