import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// The fixed "now" of every test: a Monday, half way through an hour (so a still-open 1h bar exists).
let testNow: Int64 = Timestamp.parse("2024-06-03T12:30:00Z")!
let hour = Interval(name: "1h")!
let day = Interval(name: "1d")!

/// A manifest as YAML text, with the few knobs the tests turn.
struct ManifestText {
    /// `embedded` or `http://127.0.0.1:PORT`.
    var baseURL: String
    /// `source.simulator` as a flow mapping, with `embedded` only.
    var simulator: String?
    var include: [String] = ["*USDT"]
    var contractTypes: [String]? = ["PERPETUAL"]
    /// Interval name → window as a flow mapping, e.g. `1h` → `{ bars: 48 }`.
    var intervals: [(String, String)] = [("1h", "{ bars: 48 }"), ("1d", "{ bars: 10 }")]
    /// Force rules as flow mappings.
    var force: [String] = []
    var concurrency = 4
    var retry = "{ max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms }"

    /// A manifest for a simulator running in the test process.
    init(simulator running: RunningSimulator, symbols: [String]) {
        baseURL = running.baseURL
        include = symbols
    }

    /// A manifest for the embedded simulator that the binary starts itself.
    init(embedded: String) {
        baseURL = "embedded"
        simulator = embedded
    }

    var yaml: String {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        var text = """
            version: 1
            source:
              exchange: binance
              market: usdm
              base_url: \(baseURL)

            """
        if let simulator { text += "  simulator: \(simulator)\n" }
        text += """
            database: sqlite:klines.sqlite
            symbols:
              include: \(list(include))

            """
        if let contractTypes { text += "  contract_types: \(list(contractTypes))\n" }
        text += "intervals:\n"
        for (name, window) in intervals { text += "  \(name): \(window)\n" }
        if !force.isEmpty {
            text += "force:\n"
            for rule in force { text += "  - \(rule)\n" }
        }
        text += """
            pacing:
              concurrency: \(concurrency)
            retry: \(retry)
            report:
              path: reports/{run_id}.json

            """
        return text
    }
}

/// Simulators started in the test process, on port 0, with a frozen clock and a weight limit nothing reaches.
enum TestSimulator {
    static func start(symbols: Int = 12, seed: UInt64 = 7, latencyMillis: Int = 0) async throws -> RunningSimulator {
        try await Simulator.start(
            SimulatorConfiguration(
                market: .usdm, seed: seed, symbolCount: symbols, latencyMillis: latencyMillis, weightLimit: 1_000_000,
                clock: .fixed(testNow)))
    }

    /// Runs `body` with a started simulator and stops it afterwards.
    static func with<T>(
        symbols: Int = 12, seed: UInt64 = 7, latencyMillis: Int = 0, _ body: (RunningSimulator) async throws -> T
    ) async throws -> T {
        let simulator = try await start(symbols: symbols, seed: seed, latencyMillis: latencyMillis)
        do {
            let result = try await body(simulator)
            await simulator.stop()
            return result
        } catch {
            await simulator.stop()
            throw error
        }
    }
}

extension RunningSimulator {
    /// Trading USDT perpetuals of the universe, sorted, at most `count`.
    func tradingPerpetuals(_ count: Int = .max) -> [String] {
        Array(
            universe.filter { $0.status == "TRADING" && $0.contractType == "PERPETUAL" && $0.quoteAsset == "USDT" }
                .map(\.symbol).sorted().prefix(count))
    }

    /// The closed bars a `{ bars: count }` window holds as of the simulator's now.
    func expectedLatest(_ count: Int64, symbol: String, interval: Interval) -> [Bar] {
        let end = interval.floor(now)
        let range = TimeRange(start: interval.advance(end, by: -count), end: end)
        return expectedBars(symbol: symbol, interval: interval, range: range)
    }
}

/// `python3 schema/check.py`, the real JSON Schema validator, when its modules are installed.
enum SchemaCheck {
    static let available: Bool = {
        guard let python = python3 else { return false }
        return (try? shell(python, ["-c", "import jsonschema, yaml"]).status) == 0
    }()

    /// The first `python3` on PATH (as a shell would pick it: pyenv shims and virtualenvs included).
    static let python3: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
        .split(separator: ":").map { "\($0)/python3" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Validates reports and plans against their schemas; records an issue with the validator's output on failure.
    /// Does nothing when the validator is missing (the dedicated schema test is skipped then instead).
    static func expectValid(
        reports: [String] = [], plans: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        guard available, let python = python3, !(reports.isEmpty && plans.isEmpty) else { return }
        var arguments = [CLI.root.appendingPathComponent("schema/check.py").path]
        for report in reports { arguments += ["--report", report] }
        for plan in plans { arguments += ["--plan", plan] }
        let result = try await RunningCLI(binary: python, arguments: arguments, directory: CLI.root).wait()
        #expect(result.exitCode == 0, "schema check failed:\n\(result)", sourceLocation: sourceLocation)
    }

    /// Runs a short helper to completion, blocking (only for the one-off check above), output merged.
    static func shell(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Each symbol's stored bars are either exactly the simulator's or absent: never a part of a symbol.
func expectCompleteOrUntouched(
    _ workspace: Workspace, _ simulator: RunningSimulator, symbols: [String], windows: [(Interval, Int64)],
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> (complete: Set<String>, untouched: Set<String>) {
    var complete = Set<String>()
    var untouched = Set<String>()
    for symbol in symbols {
        var stored: [[Bar]] = []
        var expected: [[Bar]] = []
        for (interval, count) in windows {
            stored.append(try await workspace.storedBars(symbol, interval))
            expected.append(simulator.expectedLatest(count, symbol: symbol, interval: interval))
        }
        if stored.allSatisfy(\.isEmpty) {
            untouched.insert(symbol)
        } else if stored == expected {
            complete.insert(symbol)
        } else {
            let counts = zip(stored, expected).map { "\($0.count)/\($1.count)" }.joined(separator: ", ")
            Issue.record("\(symbol) is partly stored (stored/expected bars: \(counts))", sourceLocation: sourceLocation)
        }
    }
    return (complete, untouched)
}
