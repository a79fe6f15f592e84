import Foundation
import Logging
import Synchronization

/// `klinesync agent`: keeps the database in the manifest's state by running an apply cycle at start and right after
/// each close of the manifest's shortest interval (by the exchange's clock) plus a settle delay.
///
/// - Cycles never overlap: one loop runs them in turn. Each is `Sync.apply` with a fresh run id, so it fetches only
///   what the plan lacks (delta only) and commits per symbol.
/// - A failed or partial cycle is retried after the retry policy's backoff for the number of failures in a row,
///   never later than the next scheduled cycle. Outages of the exchange or the database never end the loop.
/// - The manifest is checked for new content every `pollInterval` while idle and reloaded on `reload()` (SIGHUP);
///   an invalid one is logged, shown in `status()` and counted, and the previous one keeps running.
/// - `stop()` lets the symbols in flight commit and ends `run()` after the cycle.
///
/// Time comes from `clock`, so the schedule is tested on a manual clock without sleeping.
public final class Agent<C: Clock>: Sendable where C.Duration == Duration {
    /// How the agent runs.
    public struct Configuration: Sendable {
        /// Delay after a close before the cycle starts (`--settle`).
        public var settle: Duration
        /// Reports and `runs` rows kept (the latest; older ones are deleted after each cycle).
        public var keep: Int
        /// How often the manifest file is checked for new content while idle.
        public var pollInterval: Duration
        /// Seconds to wait for another writer's lock in each cycle.
        public var lockTimeout: Double
        /// Bars a cycle may hold in memory before spooling.
        public var memoryBars: Int

        /// The defaults: settle 2s, keep 100, poll every 2s, lock timeout 30s.
        public init(
            settle: Duration = .seconds(2), keep: Int = 100, pollInterval: Duration = .seconds(2),
            lockTimeout: Double = 30, memoryBars: Int = Executor.Options.defaultMemoryBars
        ) {
            self.settle = settle
            self.keep = max(1, keep)
            self.pollInterval = pollInterval
            self.lockTimeout = lockTimeout
            self.memoryBars = memoryBars
        }
    }

    let configuration: Configuration
    let environment: any AgentEnvironment
    let metrics: AgentMetrics
    let clock: C
    let logger: Logger
    let wakeup = Wakeup()
    let state: Mutex<State>

    /// Everything that changes while the agent runs.
    struct State: Sendable {
        var manifest: Manifest
        var watch: ManifestWatch
        var status: AgentStatus
        var stopping = false
        var reloadRequested = false
        /// The stop signal of the cycle in flight.
        var cycleStop: StopSignal?
        /// A server time (ms) and the clock's instant when it was read: server time now is estimated from it.
        var serverReference: (instant: C.Instant, serverTime: Int64)?
        /// Close of the last stored bar per series, from the last cycle.
        var closes: [SeriesLagKey: Int64?] = [:]
        /// The end of the exchange's last ban (server ms): no cycle starts before it.
        var bannedUntil: Int64?
    }

    /// An agent for the manifest at `watch.path`, already loaded as `manifest`.
    public init(
        manifest: Manifest, watch: ManifestWatch, configuration: Configuration = Configuration(),
        environment: any AgentEnvironment, metrics: AgentMetrics, clock: C, logger: Logger
    ) {
        var watch = watch
        _ = watch.check()  // Remembers the bytes in use, so that only later edits count as changes.
        self.configuration = configuration
        self.environment = environment
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        let schedule = AgentSchedule(manifest: manifest, settleMillis: configuration.settle.millis)
        let status = AgentStatus(
            state: .starting, healthy: false,
            manifest: AgentStatus.ManifestState(
                path: watch.path, digest: manifest.digest, scheduleInterval: schedule.interval.name, reload: "ok",
                reloadError: nil, lastReloadAt: nil, reloadErrors: 0),
            cycles: AgentStatus.Cycles(), lastCycle: nil, series: [])
        state = Mutex(State(manifest: manifest, watch: watch, status: status))
    }

    /// Runs cycles until `stop()`. With `once`, runs one cycle and returns its result; otherwise returns nil.
    @discardableResult
    public func run(once: Bool = false) async -> ApplyResult? {
        while !isStopping && !Task.isCancelled {
            let result = await cycle()
            if once { return result }
            let delay = nextDelay(after: result)
            await idle(until: clock.now.advanced(by: delay))
        }
        return nil
    }

    /// Asks the agent to end: the cycle in flight stops starting symbols, those in flight commit, `run()` returns.
    public func stop(signal: String = "SIGTERM") {
        let cycle: StopSignal? = state.withLock {
            $0.stopping = true
            $0.status.state = .stopping
            return $0.cycleStop
        }
        cycle?.stop(.interrupted(signal: signal))
        wakeup.signal()
    }

    /// Asks for the manifest to be re-read now (SIGHUP), even when its bytes did not change.
    public func reload() {
        state.withLock { $0.reloadRequested = true }
        wakeup.signal()
    }

    /// The state for `GET /status`, with every series' lag as of now.
    public func status() -> AgentStatus {
        refreshLags()
        return state.withLock { $0.status }
    }

    /// Whether `GET /healthz` answers 200.
    public var isHealthy: Bool { state.withLock { $0.status.healthy } }

    /// The manifest in use.
    public var manifest: Manifest { state.withLock { $0.manifest } }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// The exchange's time now (ms), estimated from the last server time read; nil before any was read.
    func estimatedServerTime() -> Int64? {
        let reference = state.withLock { $0.serverReference }
        guard let reference else { return nil }
        return reference.serverTime + reference.instant.duration(to: clock.now).millis
    }

    /// Recomputes every series' lag from the last known closes and the estimated server time; updates the gauges
    /// and the status.
    public func refreshLags() {
        guard let now = estimatedServerTime() else { return }
        let closes = state.withLock { $0.closes }
        var lags: [SeriesLagKey: Double] = [:]
        var rows: [AgentStatus.SeriesLag] = []
        for (key, close) in closes.sorted(by: { $0.key < $1.key }) {
            let lag = close.map { Double(now - $0) / 1000 }
            if let lag { lags[key] = lag }
            rows.append(
                AgentStatus.SeriesLag(
                    symbol: key.symbol, dataset: key.dataset, interval: key.interval,
                    lastClose: close.map { Timestamp.format($0) }, lagSeconds: lag))
        }
        metrics.recordLags(lags)
        state.withLock { $0.status.series = rows }
    }
}
