import Foundation
import Synchronization

@testable import KlineSyncCore

/// A `FakeExchange` whose server time is a base time plus a manual clock's reading.
final class MovingExchange: Exchange, RequestCounting, ResponseCounting, ExchangeUsageReporting {
    let inner: FakeExchange
    /// What `usage()` reports as the end of a ban.
    let bannedUntil = Mutex<Int64?>(nil)
    let base: Int64
    let clock: ManualClock
    var market: Market { inner.market }

    init(inner: FakeExchange, base: Int64, clock: ManualClock) {
        self.inner = inner
        self.base = base
        self.clock = clock
    }

    var now: Int64 { base + clock.now.offset.millis }

    func serverTime() async throws -> Int64 { now }
    func exchangeInfo() async throws -> ExchangeInfo { try await inner.exchangeInfo() }
    func requestTotals() async -> RequestTotals { await inner.requestTotals() }
    func responseCounts() -> [String: Int] { ["200": 3] }
    func usage() async -> ExchangeUsage { ExchangeUsage(bannedUntil: bannedUntil.withLock { $0 }) }

    func fetchBars(
        _ dataset: Dataset, symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch {
        try await inner.fetchBars(
            dataset, symbol: symbol, interval: interval, range: range, horizon: horizon, paging: paging,
            receive: receive)
    }
}

/// The agent's host in memory: one exchange and store for every cycle, and a record of each cycle.
final class FakeAgentEnvironment: AgentEnvironment {
    let exchange: MovingExchange
    let store = InMemoryStore()
    /// Server time at the start of each cycle.
    let cycleStarts = Mutex<[Int64]>([])
    let results = Mutex<[ApplyResult]>([])

    init(exchange: MovingExchange) { self.exchange = exchange }

    func connect(_ manifest: Manifest) async throws -> AgentConnection {
        cycleStarts.withLock { $0.append(exchange.now) }
        return AgentConnection(exchange: exchange, database: MemoryConnector(store: store), endpoint: "fake")
    }

    func cycleFinished(_ result: ApplyResult, manifest: Manifest, keep: Int) async {
        results.withLock { $0.append(result) }
    }

    var cycles: Int { results.withLock { $0.count } }

    /// Waits, without moving any clock, until `count` cycles have finished.
    func wait(forCycles count: Int) async throws {
        let start = ContinuousClock.now
        while cycles < count {
            if ContinuousClock.now - start > .seconds(60) { throw ManualClock.TimedOut() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
    var starts: [String] { cycleStarts.withLock { $0 }.map { Timestamp.format($0) } }
}

extension ManualClock {
    /// Moves time from deadline to deadline until `count` cycles of `environment` have finished.
    func advance(untilCycles count: Int, of environment: FakeAgentEnvironment) async throws {
        let start = ContinuousClock.now
        while environment.cycles < count {
            if ContinuousClock.now - start > .seconds(300) { throw TimedOut() }
            if sleeperCount > 0 {
                advanceToNextDeadline()
            } else {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
    }
}
