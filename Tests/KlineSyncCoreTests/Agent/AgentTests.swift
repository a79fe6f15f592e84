import Foundation
import Logging
import MetricsTestKit
import Synchronization
import Testing

@testable import KlineSyncCore

/// The agent's loop on a manual clock over a fake exchange and an in-memory store: when cycles run, what they
/// store, how failures are retried, reloads and stopping.
@Suite(.serialized) struct AgentTests {
    static let start = Timestamp.parse("2024-06-10T12:34:56Z")!

    /// A workspace with a manifest file (1m, 30 bars, backoff 500ms doubling).
    final class Setup: Sendable {
        let folder: URL
        let clock = ManualClock()
        let metrics = TestMetrics()
        let environment: FakeAgentEnvironment
        let agent: Agent<ManualClock>

        init(intervals: String = "1m: { bars: 30 }", settle: Duration = .seconds(2)) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("manifest.yaml").path
            try Self.manifest(intervals).write(toFile: path, atomically: true, encoding: .utf8)
            let exchange = MovingExchange(
                inner: FakeExchange(now: 0, listings: ["AAAUSDT": 0, "BBBUSDT": 0]), base: AgentTests.start,
                clock: clock)
            environment = FakeAgentEnvironment(exchange: exchange)
            agent = Agent(
                manifest: try Manifest.load(path: path, environment: [:]),
                watch: ManifestWatch(path: path, environment: [:]),
                configuration: Agent.Configuration(settle: settle, pollInterval: .seconds(2)),
                environment: environment, metrics: AgentMetrics(factory: metrics), clock: clock,
                logger: Logger(label: "test"))
        }

        static func manifest(_ intervals: String) -> String {
            """
            version: 1
            source: { exchange: binance, market: usdm }
            database: sqlite:memory.sqlite
            intervals:
              \(intervals)
            retry: { initial_backoff: 500ms, max_backoff: 30s }
            """
        }

        var manifestPath: String { folder.appendingPathComponent("manifest.yaml").path }

        func edit(_ text: String) throws { try text.write(toFile: manifestPath, atomically: true, encoding: .utf8) }

        /// Bars stored per symbol.
        func stored(_ symbol: String) -> [Int64] {
            let key = SeriesKey(market: .usdm, symbol: symbol, interval: Interval(name: "1m")!)
            return environment.store.state.withLock { ($0[key]?.bars.keys).map { $0.sorted() } ?? [] }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    @Test func cyclesRunAtStartAndRightAfterEachCloseStoringEachBarOnce() async throws {
        let setup = try Setup()
        let run = Task { await setup.agent.run() }
        try await setup.clock.advance(untilCycles: 4, of: setup.environment)
        setup.agent.stop()
        await run.value
        #expect(
            setup.environment.starts == [
                "2024-06-10T12:34:56Z", "2024-06-10T12:35:02Z", "2024-06-10T12:36:02Z", "2024-06-10T12:37:02Z",
            ])
        let inserted = setup.environment.results.withLock { $0.map(\.report.totals.barsInserted) }
        #expect(inserted == [60, 2, 2, 2])
        let bars = setup.stored("AAAUSDT")
        #expect(bars.count == 33 && Set(bars).count == bars.count)
        #expect(bars.last == Timestamp.parse("2024-06-10T12:36:00Z")!)
        #expect(try setup.metrics.expectCounter("klinesync_cycles_total", [("status", "ok")]).totalValue == 4)
        #expect(
            try setup.metrics.expectCounter(
                "klinesync_bars_written_total", [("dataset", "klines"), ("interval", "1m")]
            ).totalValue == 66)
        #expect(
            try setup.metrics.expectCounter("klinesync_requests_total", [("source", "rest"), ("code", "200")])
                .totalValue == 12)
        #expect(try setup.metrics.expectTimer("klinesync_cycle_duration_seconds").values.count == 4)
        #expect(setup.agent.isHealthy && setup.agent.status().cycles.ok == 4)
    }

    @Test func failedCyclesAreRetriedWithBackoffAndHealthFollows() async throws {
        let setup = try Setup()
        let run = Task { await setup.agent.run() }
        try await setup.clock.advance(untilCycles: 1, of: setup.environment)
        setup.environment.exchange.inner.unreachable.withLock { $0 = true }
        try await setup.clock.advance(untilCycles: 2, of: setup.environment)
        #expect(setup.agent.isHealthy, "one failure after a success is within one retry of it")
        try await setup.clock.advance(untilCycles: 4, of: setup.environment)
        #expect(!setup.agent.isHealthy)
        #expect(setup.agent.status().cycles.consecutiveFailures == 3)
        setup.environment.exchange.inner.unreachable.withLock { $0 = false }
        try await setup.clock.advance(untilCycles: 6, of: setup.environment)
        setup.agent.stop()
        await run.value
        #expect(setup.agent.isHealthy)
        // 12:35:02 fails; retries after 500ms, 1s, 2s; the 4s retry succeeds; then the schedule resumes.
        #expect(
            setup.environment.starts == [
                "2024-06-10T12:34:56Z", "2024-06-10T12:35:02Z", "2024-06-10T12:35:02.500Z", "2024-06-10T12:35:03.500Z",
                "2024-06-10T12:35:05.500Z", "2024-06-10T12:36:02Z",
            ])
        let statuses = setup.environment.results.withLock { $0.map(\.report.status) }
        #expect(statuses == [.ok, .failed, .failed, .failed, .ok, .ok])
        #expect(try setup.metrics.expectCounter("klinesync_cycles_total", [("status", "failed")]).totalValue >= 3)
    }

    @Test func noCycleStartsBeforeABanEnds() async throws {
        let setup = try Setup()
        // The first cycle is answered 418 with a ban until 12:40:00.
        setup.environment.exchange.bannedUntil.withLock { $0 = Timestamp.parse("2024-06-10T12:40:00Z")! }
        let run = Task { await setup.agent.run() }
        try await setup.clock.advance(untilCycles: 2, of: setup.environment)
        setup.agent.stop()
        await run.value
        #expect(setup.environment.starts == ["2024-06-10T12:34:56Z", "2024-06-10T12:40:01Z"])
    }

    @Test func anEditedManifestIsPickedUpAndAnInvalidOneIsReportedAndIgnored() async throws {
        let setup = try Setup()
        let run = Task { await setup.agent.run() }
        try await setup.clock.advance(untilCycles: 1, of: setup.environment)
        let before = setup.agent.manifest.digest
        try await setup.clock.waitForSleeper()
        try setup.edit(Setup.manifest("1m: { bars: 40 }"))
        try await setup.clock.advance(untilCycles: 2, of: setup.environment)
        #expect(setup.agent.manifest.digest != before)
        // The new cycle ran as soon as the edit was seen (the next poll), not at the next close.
        #expect(setup.environment.starts.last == "2024-06-10T12:34:58Z")
        #expect(setup.stored("AAAUSDT").count == 40)
        let valid = setup.agent.manifest.digest
        try await setup.clock.waitForSleeper()
        try setup.edit("version: 1\nsource: { exchange: binance, market: usdm }\nintervals:\n  7m: { bars: 1 }\n")
        try await setup.clock.advance(untilCycles: 3, of: setup.environment)
        let status = setup.agent.status()
        #expect(status.manifest.reload == "error" && status.manifest.reloadErrors == 1)
        #expect(status.manifest.reloadError?.contains("7m") == true, "\(status.manifest.reloadError ?? "")")
        #expect(setup.agent.manifest.digest == valid)
        #expect(try setup.metrics.expectCounter("klinesync_manifest_reload_errors_total").totalValue == 1)
        // Reported once, not on every poll.
        try await setup.clock.advance(untilCycles: 4, of: setup.environment)
        #expect(setup.agent.status().manifest.reloadErrors == 1)
        setup.agent.stop()
        await run.value
    }

    @Test func aReloadRequestReReadsTheManifestAndRunsACycle() async throws {
        let setup = try Setup()
        let run = Task { await setup.agent.run() }
        try await setup.clock.advance(untilCycles: 1, of: setup.environment)
        try await setup.clock.waitForSleeper()
        setup.agent.reload()
        try await setup.environment.wait(forCycles: 2)
        #expect(setup.environment.starts == ["2024-06-10T12:34:56Z", "2024-06-10T12:34:56Z"])
        #expect(setup.agent.status().manifest.lastReloadAt != nil)
        setup.agent.stop()
        await run.value
    }

    @Test func stopEndsTheLoopWhileIdle() async throws {
        let setup = try Setup()
        let run = Task { await setup.agent.run() }
        try await setup.clock.advance(untilCycles: 1, of: setup.environment)
        try await setup.clock.waitForSleeper()
        setup.agent.stop()
        await run.value
        #expect(setup.environment.cycles == 1 && setup.agent.status().state == .stopping)
    }

    @Test func onceRunsOneCycleAndReturnsItsResult() async throws {
        let setup = try Setup()
        let result = try #require(await setup.agent.run(once: true))
        #expect(result.report.status == .ok && setup.environment.cycles == 1)
    }
}
