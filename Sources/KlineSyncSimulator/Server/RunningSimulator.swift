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

    /// The bars of `dataset` for `key` at `interval` opening in `range` that exist as of now: what a correct
    /// database holds. `key` is the symbol, or for ``Dataset/indexPrice`` the pair (``SimulatedInstrument/pair``).
    ///
    /// - Parameter includeOpen: Also return the still-open bar, when it opens in `range`.
    public func expectedBars(
        dataset: Dataset, key: String, interval: Interval, range: TimeRange, includeOpen: Bool = false
    ) -> [Bar] {
        engine.bars(dataset: dataset, key: key, interval: interval, range: range, now: now, includeOpen: includeOpen)
    }

    /// The funding events of `symbol` with funding times in `range` that happened by now, as `fundingRate` and
    /// the archive serve them; empty for delivery contracts, spot and unknown symbols.
    public func expectedFundingRates(symbol: String, range: TimeRange) -> [FundingRate] {
        engine.fundingRates(symbol: symbol, range: range, now: now)
    }

    /// The perpetual whose funding interval changes from 8 to 4 hours, and when (nil on spot).
    public var fundingIntervalChange: FundingIntervalChange? { engine.universe.fundingIntervalChange }

    /// The funding interval (hours) of `symbol` in force at `time`; nil when it pays no funding (spot, delivery
    /// contracts, unknown symbols).
    public func fundingIntervalHours(symbol: String, at time: Int64) -> Int? {
        guard engine.market.isFutures, let instrument = engine.universe[symbol] else { return nil }
        let schedule = engine.fundingSchedule(instrument)
        return schedule.isPerpetual ? schedule.hours(at: time) : nil
    }

    /// USD-M funding-history requests counted in the current five-minute window.
    public var fundingRequests: Int { engine.state.fundingRequests }

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
