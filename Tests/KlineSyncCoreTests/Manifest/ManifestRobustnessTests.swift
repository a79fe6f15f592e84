import Foundation
import Testing

@testable import KlineSyncCore

/// Generated inputs for the loader: extreme values at every numeric, duration, date and port key, random bytes and
/// randomly mutated manifests. The loader returns a manifest whose values are all within their documented bounds,
/// or located diagnostics; it never traps (a trap would end the test process).
struct ManifestRobustnessTests {
    /// A manifest that sets every numeric, duration and date key, each on its own line.
    static let full = """
        version: 1
        source:
          exchange: binance
          market: spot
          base_url: embedded
          simulator:
            seed: 7
            symbols: 20
            latency: 5ms
            fail_rate: 0.1
            weight_limit: 6000
            now: 2025-01-01
        database: sqlite:k.sqlite
        intervals:
          1s:
            lookback: 1h
          1M:
            bars: 12
          1m:
            bars: 100
          1d:
            since: 2021-01-01
            until: 2025-01-01
        force:
          - symbols: [BTCUSDT]
            range:
              last: 3
          - symbols: [ETHUSDT]
            range:
              from: 2024-01-01
              to: 2024-02-01
        pacing:
          weight_per_minute: 1200
          concurrency: 8
          request_delay: 0ms
        retry:
          max_attempts: 5
          initial_backoff: 500ms
          max_backoff: 30s

        """

    /// Every key that takes a number, a duration, a date or a port: the line of `full` that sets it, as written
    /// before the value, and the manifest to put it in.
    static let keys: [(prefix: String, manifest: String)] = {
        let lines = [
            "version: ", "    seed: ", "    symbols: ", "    latency: ", "    fail_rate: ", "    weight_limit: ",
            "    now: ", "    lookback: ", "    bars: ", "    since: ", "    until: ", "      last: ", "      from: ",
            "      to: ", "  weight_per_minute: ", "  concurrency: ", "  request_delay: ", "  max_attempts: ",
            "  initial_backoff: ", "  max_backoff: ",
        ]
        let url = full.replacingOccurrences(of: "  base_url: embedded\n", with: "  base_url: http://127.0.0.1:80\n")
            .replacingOccurrences(
                of: "  simulator:\n    seed: 7\n    symbols: 20\n    latency: 5ms\n    fail_rate: 0.1\n"
                    + "    weight_limit: 6000\n    now: 2025-01-01\n", with: "")
        let postgres = full.replacingOccurrences(
            of: "database: sqlite:k.sqlite", with: "database: postgres://u:secret@db:5432/k")
        return lines.map { ($0, full) } + [
            ("  base_url: http://127.0.0.1:", url), ("database: postgres://u:secret@db:", postgres),
        ]
    }()

    static let extremes = [
        "0", "-1", "1", "+5", "-0", "1_000", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "-9223372036854775809", "99999999999999999999", "1e400", "-1e400", "1e-400", ".inf", "-.inf", ".nan", "nan",
        "1.5", "0x7fffffffffffffff", "\"12\"", "~", "[1, 2]", "{ a: 1 }", "106751991168d", "99999999999999999999d",
        "9223372036854775807ms", "9223372036854775808ms", "106751991167d", "36500d", "36501d", "0ms", "1ms", "60000ms",
        "60001ms", "0000-01-01", "1969-12-31T23:59:59Z", "1970-01-01", "1970-01-01T00:00:00+00:01", "9999-12-31",
        "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59-23:59", "2024-02-30", "10000-01-01", "65535", "65536",
        "99999", "&x 5", "!!int 5",
    ]

    /// Keys checked against each other, by the line that sets them.
    static let partners = [
        "    since: ": "    until: ", "    until: ": "    since: ", "      from: ": "      to: ",
        "      to: ": "      from: ",
        "  initial_backoff: ": "  max_backoff: ", "  max_backoff: ": "  initial_backoff: ",
    ]

    static func lineNumber(of prefix: String, in text: String) -> Int {
        text.components(separatedBy: "\n").firstIndex { $0.hasPrefix(prefix) }! + 1
    }

    /// `manifest` with the value of the line starting with `prefix` replaced: the text and that line's number.
    static func substitute(_ value: String, at prefix: String, in manifest: String) -> (text: String, line: Int) {
        var lines = manifest.components(separatedBy: "\n")
        let index = lines.firstIndex { $0.hasPrefix(prefix) }!
        // A URL keeps what follows its port; any other key takes the value whole.
        let rest = prefix.hasSuffix(":") ? String(lines[index].dropFirst(prefix.count).drop { $0.isNumber }) : ""
        lines[index] = prefix + value + rest
        return (lines.joined(separator: "\n"), index + 1)
    }

    @Test func extremeValuesAtEveryNumericKeyGetLocatedDiagnosticsOrStayInBounds() throws {
        var rejected = 0
        for (prefix, manifest) in Self.keys {
            for value in Self.extremes {
                let (text, line) = Self.substitute(value, at: prefix, in: manifest)
                let what = "\(prefix.trimmingCharacters(in: .whitespaces)) \(value)"
                do {
                    let m = try Manifest.parse(yaml: text, file: "m.yaml", absolutePath: "/d/m.yaml", environment: [:])
                    Self.expectWithinBounds(m, what)
                } catch let error as ManifestError {
                    rejected += 1
                    #expect(!error.diagnostics.isEmpty, "\(what)")
                    for diagnostic in error.diagnostics {
                        #expect(diagnostic.line >= 1 && diagnostic.column >= 1, "\(what): \(diagnostic)")
                        #expect(
                            diagnostic.description.hasPrefix("m.yaml:\(diagnostic.line):\(diagnostic.column): error: "))
                    }
                    // At the key, or at the key it is checked against (until after since, max_backoff ≥ initial).
                    let lines = [line] + (Self.partners[prefix].map { [Self.lineNumber(of: $0, in: text)] } ?? [])
                    #expect(error.diagnostics.contains { lines.contains($0.line) }, "\(what): \(error)")
                }
            }
        }
        // Most extremes are out of range for most keys: the loop really exercised the error paths.
        #expect(rejected > Self.keys.count * Self.extremes.count / 2)
    }

    @Test(arguments: [
        (
            "  1s:\n    lookback: 1h", "  1s:\n    lookback: 106751991168d",
            "interval 1s: lookback must be between 1ms and 36500d, found '106751991168d'"
        ),
        (
            "  request_delay: 0ms", "  request_delay: 106751991168d",
            "pacing.request_delay must be between 0ms and 1m, found '106751991168d'"
        ),
        (
            "  initial_backoff: 500ms", "  initial_backoff: 106751991168d",
            "retry.initial_backoff must be between 1ms and 10m, found '106751991168d'"
        ),
        (
            "  max_backoff: 30s", "  max_backoff: 99999999999999999999d",
            "retry.max_backoff must be between 1ms and 1h, found '99999999999999999999d'"
        ),
        (
            "    latency: 5ms", "    latency: 9223372036854775808ms",
            "simulator.latency must be between 0ms and 1m, found '9223372036854775808ms'"
        ),
        (
            "  concurrency: 8", "  concurrency: 99999999999999999999",
            "pacing.concurrency must be between 1 and 256, found 99999999999999999999"
        ),
        (
            "    now: 2025-01-01", "    now: 9999-12-31T23:59:59-23:59",
            "simulator.now must be between 1970-01-01 and 9999-12-31 (UTC), found '9999-12-31T23:59:59-23:59'"
        ),
    ])
    func valuesTooLargeForSixtyFourBitsAreRangeErrors(_ line: String, _ replacement: String, _ message: String) throws {
        let text = Self.full.replacingOccurrences(of: line, with: replacement)
        let error = try #require(throws: ManifestError.self) {
            try Manifest.parse(yaml: text, file: "m.yaml", absolutePath: "/d/m.yaml", environment: [:])
        }
        #expect(error.diagnostics.map(\.message) == [message])
    }

    @Test func durationTextNeverTraps() {
        #expect(DurationText.parse("106751991167d") == 9_223_372_036_828_800_000)
        #expect(DurationText.parse("106751991168d") == nil)
        #expect(DurationText.parse("9223372036854775807ms") == .max)
        #expect(DurationText.parse("9223372036854775808ms") == nil)
        #expect(DurationText.parse("99999999999999999999999999h") == nil)
    }

    /// Every value the loader accepted is within the bound its key documents, so nothing downstream can overflow.
    static func expectWithinBounds(_ m: Manifest, _ what: String) {
        let dates = Timestamp.earliest...Timestamp.latest
        if let sim = m.source.simulator {
            #expect((1...5000).contains(sim.symbols) && (0...60_000).contains(sim.latencyMillis), "\(what)")
            #expect((0...1).contains(sim.failRate) && (1...10_000_000).contains(sim.weightLimit ?? 1), "\(what)")
            #expect(dates.contains(sim.now ?? 0) && sim.seed <= UInt64(Int.max), "\(what)")
        }
        for rule in m.intervals {
            switch rule.window {
            case .bars(let n): #expect((1...ManifestBuilder.maxBars(rule.interval)).contains(n), "\(what)")
            case .since(let t): #expect(dates.contains(t), "\(what)")
            case .lookback(let d): #expect((1...ManifestBuilder.longestWindowMillis).contains(d), "\(what)")
            }
            #expect(dates.contains(rule.until ?? 0), "\(what)")
        }
        for rule in m.force {
            switch rule.range {
            case .all: break
            case .last(let n): #expect((1...100_000_000).contains(n), "\(what)")
            case .between(let from, let to): #expect(dates.contains(from) && dates.contains(to) && from < to, "\(what)")
            }
        }
        #expect((1...1_000_000).contains(m.pacing.weightPerMinute ?? 1) && (1...256).contains(m.pacing.concurrency))
        #expect((0...60_000).contains(m.pacing.requestDelayMillis), "\(what)")
        #expect((1...100).contains(m.retry.maxAttempts), "\(what)")
        #expect((1...600_000).contains(m.retry.initialBackoffMillis), "\(what)")
        #expect((m.retry.initialBackoffMillis...3_600_000).contains(m.retry.maxBackoffMillis), "\(what)")
        if let url = m.source.baseURL { #expect(ManifestBuilder.portProblem(in: url) == nil, "\(what)") }
        if case .postgres(let url) = m.database { #expect(ManifestBuilder.portProblem(in: url) == nil, "\(what)") }
    }
}
