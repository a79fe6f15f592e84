import Foundation
import Testing

/// Several `klinesync apply` agents sharing one PostgreSQL database (runs when `KLINESYNC_TEST_POSTGRES_URL` is set):
/// they split the work through per-symbol advisory locks, converge exactly once, and match a single SQLite run.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["KLINESYNC_TEST_POSTGRES_URL"] != nil))
struct MultiAgentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/klinesync").path

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the built binary to completion (killed after `timeout` seconds).
    static func run(_ arguments: [String], in directory: URL, timeout: Double = 120) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        async let stdout = Task.detached { out.fileHandleForReading.readDataToEndOfFile() }.value
        async let stderr = Task.detached { err.fileHandleForReading.readDataToEndOfFile() }.value
        while process.isRunning {
            if Date() > deadline { process.terminate() }
            try await Task.sleep(for: .milliseconds(20))
        }
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: await stdout, as: UTF8.self),
            stderr: String(decoding: await stderr, as: UTF8.self))
    }

    static func manifest(database: String, latency: String = "5ms") -> String {
        """
        version: 1
        source:
          exchange: binance
          market: usdm
          base_url: embedded
          simulator: { seed: 11, symbols: 100, latency: \(latency), now: 2026-01-05T00:30:00Z }
        database: \(database)
        symbols: { status: all }
        intervals:
          4h: { bars: 300 }
          1d: { since: 2025-09-01 }
        pacing: { concurrency: 4 }

        """
    }

    static func workspace() throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let base = ProcessInfo.processInfo.environment["KLINESYNC_TEST_POSTGRES_URL"]!
        let schema = "agents_" + UUID().uuidString.prefix(8).lowercased()
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        return (dir, url)
    }

    /// `status --json` of a manifest: dataset digest and per-series digests.
    static func status(_ manifest: String, in dir: URL) async throws -> (dataset: String, series: [String: String]) {
        let result = try await run(["status", manifest, "--json"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        var series: [String: String] = [:]
        for entry in json["series"] as? [[String: Any]] ?? [] {
            series["\(entry["symbol"]!) \(entry["interval"]!)"] = entry["digest"] as? String
        }
        return (json["dataset_digest"] as? String ?? "", series)
    }

    static func reference(in dir: URL) async throws -> (dataset: String, series: [String: String]) {
        try manifest(database: "sqlite:one.sqlite").write(
            to: dir.appendingPathComponent("one.yaml"), atomically: true, encoding: .utf8)
        let single = try await run(["apply", "one.yaml", "--quiet"], in: dir)
        #expect(single.status == 0, "\(single.stderr)")
        return try await status("one.yaml", in: dir)
    }

    @Test func threeAgentsConvergeExactlyOnceWithTheSingleAgentDigest() async throws {
        let (dir, url) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try await Self.reference(in: dir)
        try Self.manifest(database: url).write(
            to: dir.appendingPathComponent("pg.yaml"), atomically: true, encoding: .utf8)
        // Create the schema first so the three agents race on work, not on migrations.
        #expect(try await Self.run(["plan", "pg.yaml"], in: dir).status == 0)
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for agent in ["a", "b", "c"] {
                group.addTask {
                    try await Self.run(["apply", "pg.yaml", "--quiet", "--report", "\(agent).json"], in: dir)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for outcome in outcomes { #expect(outcome.status == 0, "\(outcome.stderr)") }
        var inserted = 0
        var workers: [String: Int] = [:]
        for agent in ["a", "b", "c"] {
            let data = try Data(contentsOf: dir.appendingPathComponent("\(agent).json"))
            let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            inserted += (report["totals"] as? [String: Any])?["bars_inserted"] as? Int ?? -1
            for symbol in report["symbols"] as? [[String: Any]] ?? [] {
                let bars = (symbol["series"] as? [[String: Any]] ?? []).reduce(0) {
                    $0 + ($1["bars_inserted"] as? Int ?? 0)
                }
                if bars > 0 { workers[symbol["symbol"] as! String, default: 0] += 1 }
            }
        }
        #expect(workers.values.allSatisfy { $0 == 1 }, "a symbol was written by more than one agent: \(workers)")
        let pg = try await Self.status("pg.yaml", in: dir)
        #expect(pg.dataset == expected.dataset)
        #expect(pg.series == expected.series)
        let totalBars = try await Self.run(["status", "pg.yaml"], in: dir).stdout
        #expect(totalBars.contains("bars"))
        #expect(inserted > 0)
        let plan = try await Self.run(["plan", "pg.yaml", "--detailed-exitcode"], in: dir)
        #expect(plan.status == 0, "\(plan.stdout)")
    }

    @Test func killedAgentLeavesNoHalfWrittenSymbolAndOthersFinish() async throws {
        let (dir, url) = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = try await Self.reference(in: dir)
        try Self.manifest(database: url, latency: "60ms").write(
            to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        #expect(try await Self.run(["plan", "slow.yaml"], in: dir).status == 0)
        let victim = Process()
        victim.executableURL = URL(fileURLWithPath: Self.binary)
        victim.arguments = ["apply", "slow.yaml", "--quiet"]
        victim.currentDirectoryURL = dir
        victim.standardOutput = FileHandle.nullDevice
        victim.standardError = FileHandle.nullDevice
        try victim.run()
        try await Task.sleep(for: .milliseconds(2500))
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        // Whatever the killed agent committed is whole: every stored series equals the reference exactly, and a
        // symbol has all of its stored series or none.
        let partial = try await Self.status("slow.yaml", in: dir)
        #expect(partial.series.count < expected.series.count, "the agent finished before it was killed")
        for (series, digest) in partial.series {
            #expect(expected.series[series] == digest, "\(series) is half-written")
        }
        let symbolsOf = { (digests: [String: String]) in
            Dictionary(grouping: digests.keys, by: { String($0.split(separator: " ")[0]) }).mapValues(\.count)
        }
        let expectedPerSymbol = symbolsOf(expected.series)
        for (symbol, count) in symbolsOf(partial.series) { #expect(count == expectedPerSymbol[symbol], "\(symbol)") }
        // Two agents finish the work.
        try Self.manifest(database: url).write(
            to: dir.appendingPathComponent("pg.yaml"), atomically: true, encoding: .utf8)
        let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for _ in 0..<2 { group.addTask { try await Self.run(["apply", "pg.yaml", "--quiet"], in: dir) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for outcome in outcomes { #expect(outcome.status == 0, "\(outcome.stderr)") }
        let final = try await Self.status("pg.yaml", in: dir)
        #expect(final.dataset == expected.dataset)
    }
}
