import Synchronization

@testable import KlineSyncCore

/// Opens an `InMemoryStore` as a backend would: counts opens, and can play a busy writer lock.
final class MemoryConnector: StoreConnector {
    struct Busy: StoreLockBusy, CustomStringConvertible {
        var description: String { "another klinesync apply is writing to memory" }
    }

    /// How the writer lock behaves on the next `openForWriting`.
    enum LockBehaviour: Sendable {
        case free
        /// Busy at first (`onWait` is called), then free.
        case busyThenFree
        /// Busy for the whole timeout.
        case busy
    }

    let store: any Store
    let location = DatabaseLocation.sqlite(path: "/tmp/memory.sqlite")
    let exists: Mutex<Bool>
    let lock = Mutex(LockBehaviour.free)
    let writeOpens = Mutex(0)
    /// Runs once the writer lock is held, before the store is handed over (another agent's write while waiting).
    let whileWaiting = Mutex<(@Sendable () async -> Void)?>(nil)

    init(store: any Store, exists: Bool = true) {
        self.store = store
        self.exists = Mutex(exists)
    }

    func mayExist() -> Bool { exists.withLock { $0 } }

    func openForReading() async throws -> (any Store)? { mayExist() ? store : nil }

    func openForWriting(lockTimeout: Double, onWait: @escaping @Sendable (String?) -> Void) async throws -> any Store {
        writeOpens.withLock { $0 += 1 }
        switch lock.withLock({ $0 }) {
        case .free: break
        case .busyThenFree:
            onWait("pid 1 on test")
            await whileWaiting.withLock { $0 }?()
        case .busy:
            onWait("pid 1 on test")
            throw Busy()
        }
        exists.withLock { $0 = true }
        return store
    }
}

/// An in-memory store that several agents share: per-symbol locks, and a hook that lets "another agent" write a
/// symbol just before this one takes its lock.
final class SharedMemoryStore: Store, SymbolLocking {
    let inner = InMemoryStore()
    let displayName = "shared memory"
    let held = Mutex<Set<String>>([])
    let beforeLock = Mutex<[String: @Sendable () async throws -> Void]>([:])

    func tryLockSymbol(_ market: Market, _ symbol: String) async throws -> Bool {
        if let other = beforeLock.withLock({ $0.removeValue(forKey: symbol) }) { try await other() }
        return held.withLock { $0.insert(symbol).inserted }
    }

    func unlockSymbol(_ market: Market, _ symbol: String) async throws {
        _ = held.withLock { $0.remove(symbol) }
    }

    func lineageID() async throws -> String { try await inner.lineageID() }
    func summaries(market: Market) async throws -> [SeriesSummary] { try await inner.summaries(market: market) }
    func gaps(of key: SeriesKey) async throws -> [TimeRange] { try await inner.gaps(of: key) }
    func bars(of key: SeriesKey, in range: TimeRange?) async throws -> [Bar] {
        try await inner.bars(of: key, in: range)
    }
    func forEachBatch(of key: SeriesKey, _ body: @Sendable ([Bar]) throws -> Void) async throws {
        try await inner.forEachBatch(of: key, body)
    }
    func instruments(market: Market) async throws -> [Instrument] { [] }
    func recount(market: Market, repair: Bool) async throws -> [SeriesRecount] {
        try await inner.recount(market: market, repair: repair)
    }
    func fundingSummaries(market: Market) async throws -> [FundingSummary] {
        try await inner.fundingSummaries(market: market)
    }
    func fundingRates(market: Market, symbol: String, in range: TimeRange?) async throws -> [FundingRate] {
        try await inner.fundingRates(market: market, symbol: symbol, in: range)
    }
    func write(_ batch: SymbolWrite) async throws -> [WriteCounts] { try await inner.write(batch) }
    func recordRun(_ run: RunRecord) async throws { try await inner.recordRun(run) }
    func close() async throws {}
}

/// Records what a sync told its observer; can act when execution starts.
final class RecordingObserver: SyncObserver {
    let waits = Mutex<[String?]>([])
    let started = Mutex<[Int]>([])
    let finished = Mutex(0)
    let symbols = Mutex<[String]>([])
    let onStart = Mutex<(@Sendable () -> Void)?>(nil)

    func waitingForWriter(database: DatabaseLocation, holder: String?) { waits.withLock { $0.append(holder) } }

    func executionStarted(symbols count: Int) async {
        started.withLock { $0.append(count) }
        onStart.withLock { $0 }?()
    }

    func symbolFinished(_ report: Report.SymbolReport, done: Int, total: Int) {
        symbols.withLock { $0.append(report.symbol) }
    }

    func executionFinished() { finished.withLock { $0 += 1 } }
}
