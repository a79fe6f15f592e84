import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `klinesync agent` child process on a free port, and what the tests ask of it over HTTP. Killed when released,
/// so a failing test leaves no agent behind.
final class AgentProcess: Sendable {
    let process: RunningCLI
    let port: Int

    init(process: RunningCLI, port: Int) {
        self.process = process
        self.port = port
    }

    deinit { process.send(SIGKILL) }

    /// Starts `klinesync agent manifest.yaml --listen 127.0.0.1:0` plus `extra` in `workspace` and waits for its port.
    static func start(in workspace: Workspace, _ extra: [String] = []) async throws -> AgentProcess {
        let process = try CLI.start(
            ["agent", "manifest.yaml", "--listen", "127.0.0.1:0"] + extra, in: workspace.folder)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = process.stderrSoFar
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return AgentProcess(process: process, port: port) }
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.send(SIGKILL)
        Issue.record("the agent never listened; stderr:\n\(process.stderrSoFar)")
        throw RunningCLI.TimedOut(arguments: process.arguments, stderr: process.stderrSoFar)
    }

    /// `GET path`: the status code and body.
    func get(_ path: String) async throws -> (status: Int, body: String) {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// `GET /metrics`, parsed.
    func metrics() async throws -> PrometheusText {
        let (status, body) = try await get("/metrics")
        #expect(status == 200)
        return try PrometheusText(parsing: body)
    }

    /// `GET /status`, decoded.
    func status() async throws -> AgentStatus {
        let (_, body) = try await get("/status")
        return try JSONCoding.decoder().decode(AgentStatus.self, from: Data(body.utf8))
    }

    /// Polls `condition` every 50 ms until it holds; fails after `timeout`.
    func waitFor(
        _ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what); stderr:\n\(process.stderrSoFar)")
        throw RunningCLI.TimedOut(arguments: process.arguments, stderr: process.stderrSoFar)
    }

    /// Cycles finished so far, by status, from `/metrics`.
    func cycles(_ status: String = "ok") async throws -> Double {
        try await metrics().value("klinesync_cycles_total", ["status": status]) ?? 0
    }
}

/// The Prometheus text exposition format, checked line by line: `# HELP` / `# TYPE` comments and samples
/// `name{label="value",…} number`.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    struct Malformed: Error, CustomStringConvertible {
        var line: String
        var description: String { "not Prometheus text: \(line)" }
    }

    init(parsing text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                else { throw Malformed(line: String(line)) }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(String(line)))
        }
    }

    static func sample(_ line: String) throws -> Sample {
        let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
        let name = String(line[..<nameEnd])
        guard let first = name.first, first.isLetter || first == "_" || first == ":",
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        else { throw Malformed(line: line) }
        var labels: [String: String] = [:]
        var rest = line[nameEnd...]
        if rest.first == "{" {
            guard let close = rest.lastIndex(of: "}") else { throw Malformed(line: line) }
            let body = rest[rest.index(after: rest.startIndex)..<close]
            var scanner = Substring(body)
            while !scanner.isEmpty {
                guard let equals = scanner.firstIndex(of: "="), scanner[scanner.index(after: equals)] == "\"" else {
                    throw Malformed(line: line)
                }
                let key = String(scanner[..<equals])
                var index = scanner.index(equals, offsetBy: 2)
                var value = ""
                while index < scanner.endIndex, scanner[index] != "\"" {
                    if scanner[index] == "\\" { index = scanner.index(after: index) }
                    value.append(scanner[index])
                    index = scanner.index(after: index)
                }
                guard index < scanner.endIndex else { throw Malformed(line: line) }
                labels[key] = value
                scanner = scanner[scanner.index(after: index)...]
                if scanner.first == "," { scanner = scanner.dropFirst() }
            }
            rest = rest[rest.index(after: close)...]
        }
        let valueText = rest.trimmingCharacters(in: .whitespaces)
        guard let value = Double(valueText) ?? (valueText == "+Inf" ? .infinity : nil) else {
            throw Malformed(line: line)
        }
        return Sample(name: name, labels: labels, value: value)
    }

    /// The value of the sample with this name and exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Every sample with this name.
    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}

/// A spot simulator on the real clock (its `1s` bars close every second), in the test process.
enum RealTimeSimulator {
    static func start(symbols: Int = 8, latencyMillis: Int = 0, port: Int = 0) async throws -> RunningSimulator {
        try await Simulator.start(
            SimulatorConfiguration(
                market: .spot, seed: 11, symbolCount: symbols, latencyMillis: latencyMillis, weightLimit: 1_000_000,
                clock: .real), port: port)
    }

    /// Runs `body` with a simulator (stopped afterwards, whatever happens; stopping twice is harmless).
    static func with<T>(
        symbols: Int = 8, latencyMillis: Int = 0, _ body: (RunningSimulator) async throws -> T
    ) async throws -> T {
        let simulator = try await start(symbols: symbols, latencyMillis: latencyMillis)
        do {
            let result = try await body(simulator)
            await simulator.stop()
            return result
        } catch {
            await simulator.stop()
            throw error
        }
    }

    /// A spot manifest at `1s` against `simulator`.
    static func manifest(_ simulator: RunningSimulator, symbols: [String], bars: Int = 20, concurrency: Int = 4)
        -> String
    {
        """
        version: 1
        source: { exchange: binance, market: spot, base_url: \(simulator.baseURL) }
        database: sqlite:klines.sqlite
        symbols: { include: [\(symbols.map { "\"\($0)\"" }.joined(separator: ", "))] }
        intervals:
          1s: { bars: \(bars) }
        pacing: { concurrency: \(concurrency) }
        retry: { max_attempts: 2, initial_backoff: 100ms, max_backoff: 400ms }
        report: { path: "reports/{run_id}.json" }

        """
    }

    /// Trading USDT pairs of the simulator's universe, sorted.
    static func symbols(_ simulator: RunningSimulator, _ count: Int) -> [String] {
        Array(
            simulator.universe.filter { $0.status == "TRADING" && $0.quoteAsset == "USDT" }.map(\.symbol).sorted()
                .prefix(count))
    }
}
