import KlineSyncCore
import ServiceLifecycle

/// A simulator serving on a loopback port: its address, its universe and truth, runtime controls and counters.
public final class RunningSimulator: Sendable {
    private let engine: SimulatorEngine
    private let archive: SimulatorArchive
    private let task: Task<Void, any Error>
    private let group: ServiceGroup

    /// `http://127.0.0.1:54321`, to use as a manifest's or client's base URL.
    public let baseURL: String
    /// The port the server listens on.
    public let port: Int

    init(
        engine: SimulatorEngine, archive: SimulatorArchive, host: String, port: Int, task: Task<Void, any Error>,
        group: ServiceGroup
    ) {
        self.engine = engine
        self.archive = archive
        self.task = task
        self.group = group
        self.port = port
        baseURL = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The configuration it was started with.
    public var configuration: SimulatorConfiguration { engine.configuration }

    /// The simulated instruments, with listing and delisting times.
    public var universe: [SimulatedInstrument] { engine.universe.instruments }

    /// The simulator's current time (ms).
    public var now: Int64 { engine.state.now }

    /// The bars of `symbol` at `interval` opening in `range` that exist as of now: what a correct database holds.
    ///
    /// - Parameter includeOpen: Also return the still-open bar, when it opens in `range`.
    public func expectedBars(symbol: String, interval: Interval, range: TimeRange, includeOpen: Bool = false) -> [Bar] {
        engine.bars(symbol: symbol, interval: interval, range: range, now: now, includeOpen: includeOpen)
    }

    /// Queues `faults` for the next klines requests of `symbol` (a name or a glob such as `*`), one per request.
    public func script(symbol: String, faults: [Fault]) { engine.state.script(pattern: symbol, faults: faults) }

    /// Drops every queued fault.
    public func clearFaults() { engine.state.clearScripts() }

    /// Freezes the clock at `millis`.
    public func setNow(_ millis: Int64) { engine.state.setClock(.fixed(millis)) }

    /// Replaces the clock.
    public func setClock(_ clock: SimulatorClock) { engine.state.setClock(clock) }

    /// Moves the clock forward by `millis` (a real clock becomes an offset one).
    public func advance(by millis: Int64) { engine.state.advance(by: millis) }

    /// Requests served, answers by status, weight used, bars sent, faults injected.
    public var counters: SimulatorCounters { engine.state.snapshot }

    /// What the archive (`/data/…`) has served: requests, zips, bytes, files generated, faults.
    public var archiveCounters: ArchiveCounters { archive.counters }

    /// Replaces the archive faults (``SimulatorConfiguration/archiveFaults`` at start).
    public func setArchiveFaults(_ faults: [ArchiveFault]) { archive.setFaults(faults) }

    /// Request weight used in the current minute (what `X-MBX-USED-WEIGHT-1M` would say now).
    public var usedWeight: Int { engine.state.usedWeight }

    /// Stops the server gracefully and waits until it has closed its connections.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Waits until the server stops (after ``stop()`` or a failure), rethrowing a failure.
    public func wait() async throws {
        try await task.value
    }
}
