import Foundation
import Logging
import Synchronization

/// Runs a `Plan`: fetches with bounded concurrency through an `Exchange` and commits each symbol in one transaction.
public struct Executor: Sendable {
    public let exchange: any Exchange
    public let store: any Store
    /// Where the plan's archive files come from; nil fetches their ranges by REST.
    public let archive: (any ArchiveSource)?
    public let logger: Logger
    /// Time for the pauses between passes over symbols other agents hold, and for the durations in the report;
    /// give it the clock the exchange client paces on. Tests inject a manual clock.
    public let clock: ElapsedClock

    /// An executor that fetches through `exchange` (and `archive`) and writes to `store`, timing itself on `clock`.
    public init(
        exchange: any Exchange, store: any Store, archive: (any ArchiveSource)? = nil,
        logger: Logger = Logger(label: "klinesync.executor"), clock: ElapsedClock = .continuous
    ) {
        self.exchange = exchange
        self.store = store
        self.archive = archive
        self.logger = logger
        self.clock = clock
    }

    /// What a run needs besides the plan.
    public struct Options: Sendable {
        public var runID: String
        /// Symbols worked on at once (requests in flight are bounded by the exchange client's limiter too).
        public var concurrency: Int
        /// The instrument rows to store with each symbol.
        public var instruments: [String: Instrument]
        public var stop: StopSignal
        public var observer: (any ExecutionObserver)?
        /// Per-symbol locks of a store that several agents share; nil for a single-writer store.
        public var locks: (any SymbolLocking)?
        /// Re-plans one symbol from the database's current state, once its lock is held (another agent may have
        /// written it since the plan was made). Only used with `locks`.
        public var replan: (@Sendable (String) async throws -> [SeriesPlan])?
        /// How long to keep coming back to symbols other agents hold (seconds).
        public var lockWaitSeconds: Double
        /// Bars the whole run may hold in memory while symbols wait for their transaction; each symbol gets an
        /// equal share (`memoryBars / concurrency`, at least 1,000) and spools what is beyond it to disk.
        public var memoryBars: Int
        /// Folder of the spool files (the system's temporary folder when nil).
        public var spoolDirectory: String?
        /// Counts what the spool did, for progress and tests.
        public var spoolStats: SpoolStats
        /// Archive downloads in flight at most (`pacing.archive_concurrency`); a series downloads at most this many
        /// files ahead of the one it hands over.
        public var archiveConcurrency: Int = 16

        public init(
            runID: String, concurrency: Int, instruments: [String: Instrument] = [:], stop: StopSignal = StopSignal(),
            observer: (any ExecutionObserver)? = nil, locks: (any SymbolLocking)? = nil,
            replan: (@Sendable (String) async throws -> [SeriesPlan])? = nil, lockWaitSeconds: Double = 600,
            memoryBars: Int = Options.defaultMemoryBars, spoolDirectory: String? = nil,
            spoolStats: SpoolStats = SpoolStats()
        ) {
            self.runID = runID
            self.concurrency = concurrency
            self.instruments = instruments
            self.stop = stop
            self.observer = observer
            self.locks = locks
            self.replan = replan
            self.lockWaitSeconds = lockWaitSeconds
            self.memoryBars = memoryBars
            self.spoolDirectory = spoolDirectory
            self.spoolStats = spoolStats
        }

        /// 400,000 bars: about 80 MB of bars in memory, whatever the concurrency.
        public static let defaultMemoryBars = 400_000

        /// Bars one symbol may hold in memory before it spools.
        public var memoryBarsPerSymbol: Int { max(1_000, memoryBars / max(1, concurrency)) }
    }

    /// What the spool did over a run. Thread-safe.
    public final class SpoolStats: Sendable {
        private let state = Mutex(State())

        struct State {
            var spooledBars = 0
            var spooledSeries = 0
            var peakSymbolBarsInMemory = 0
        }

        public init() {}

        /// Bars written to spool files.
        public var spooledBars: Int { state.withLock { $0.spooledBars } }
        /// Series whose bars went (partly) through a spool file.
        public var spooledSeries: Int { state.withLock { $0.spooledSeries } }
        /// The most bars one symbol held in memory at once.
        public var peakSymbolBarsInMemory: Int { state.withLock { $0.peakSymbolBarsInMemory } }

        func spooled(_ bars: Int, newSeries: Bool) {
            state.withLock {
                $0.spooledBars += bars
                if newSeries { $0.spooledSeries += 1 }
            }
        }

        func held(_ bars: Int) {
            state.withLock { $0.peakSymbolBarsInMemory = max($0.peakSymbolBarsInMemory, bars) }
        }
    }

    /// Runs every symbol of the plan that has changes and returns the report. Never throws: failures are in the report.
    ///
    /// With `options.locks`, a symbol another agent holds is put aside and tried again after the pass, with a
    /// growing pause, until `lockWaitSeconds` have passed; locks are only tried, never waited on, so agents cannot
    /// deadlock.
    public func execute(_ plan: Plan, options: Options) async -> Report {
        let started = RunStart(date: Date(), elapsed: clock.now())
        let counter = exchange as? any RequestCounting
        let sentBefore = await counter?.requestTotals()
        let bySymbol = Dictionary(grouping: plan.series.filter(\.hasChanges), by: \.symbol)
        let fundingBySymbol = Dictionary(
            (plan.funding ?? []).filter(\.hasChanges).map { ($0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        var pending = Set(bySymbol.keys).union(fundingBySymbol.keys).sorted()
        let total = pending.count
        let done = Mutex(0)
        var results: [Report.SymbolReport] = []
        var pause: Double = 0.5
        func finish(_ report: Report.SymbolReport) {
            results.append(report)
            let count = done.withLock { value -> Int in
                value += 1
                return value
            }
            options.observer?.symbolFinished(report, done: count, total: total)
        }
        while !pending.isEmpty {
            var deferred: [String] = []
            await withTaskGroup(of: Outcome.self) { group in
                var running = 0
                for symbol in pending {
                    if running >= max(1, options.concurrency), let outcome = await group.next() {
                        running -= 1
                        if case .done(let report) = outcome {
                            finish(report)
                        } else if case .locked(let s) = outcome {
                            deferred.append(s)
                        }
                    }
                    if options.stop.isStopped {
                        finish(
                            skipped(
                                symbol, bySymbol[symbol] ?? [], fundingBySymbol[symbol],
                                reason: options.stop.reason?.description ?? "stopped"))
                        continue
                    }
                    running += 1
                    let work = SymbolWork(
                        symbol: symbol, series: bySymbol[symbol] ?? [], funding: fundingBySymbol[symbol])
                    group.addTask { await self.attempt(work, plan: plan, options: options) }
                }
                for await outcome in group {
                    switch outcome {
                    case .done(let report): finish(report)
                    case .locked(let symbol): deferred.append(symbol)
                    }
                }
            }
            pending = deferred.sorted()
            guard !pending.isEmpty else { break }
            let waited = seconds(since: started.elapsed)
            if options.stop.isStopped || waited + pause > options.lockWaitSeconds {
                for symbol in pending {
                    let reason =
                        options.stop.reason?.description
                        ?? "another agent held \(symbol) for the whole run (\(Int(waited))s); a later run picks it up"
                    var report = skipped(symbol, bySymbol[symbol] ?? [], fundingBySymbol[symbol], reason: reason)
                    if options.stop.reason == nil {
                        report.status = .failed
                        report.error = Report.ErrorInfo(code: .symbolLocked, message: reason)
                    }
                    finish(report)
                }
                break
            }
            logger.info("symbols held by other agents; coming back to them", metadata: ["count": "\(pending.count)"])
            try? await clock.sleep(.milliseconds(Int(pause * 1000)))
            pause = min(pause * 2, 10)
        }
        results.sort { $0.symbol < $1.symbol }
        var report = makeReport(plan: plan, options: options, results: results, started: started)
        if let sentBefore, let sentAfter = await counter?.requestTotals() {
            // Every request this run sent, also those of series that failed or were interrupted part-way (their
            // pages before the failure are not in the series' own counts).
            report.totals.requests = max(report.totals.requests, sentAfter.requests - sentBefore.requests)
            report.totals.weightUsed = max(report.totals.weightUsed, sentAfter.weight - sentBefore.weight)
            report.totals.retries = max(report.totals.retries, sentAfter.retries - sentBefore.retries)
        }
        return report
    }

    /// What became of one try at a symbol.
    enum Outcome: Sendable {
        case done(Report.SymbolReport)
        /// Another agent holds the symbol's lock.
        case locked(String)
    }

    /// One symbol's work: its series with changes and its funding plan, if any.
    struct SymbolWork: Sendable {
        var symbol: String
        var series: [SeriesPlan]
        var funding: FundingPlan?
    }

    /// Applies a symbol, under its lock when the store has locks (re-planned from the current state first).
    func attempt(_ work: SymbolWork, plan: Plan, options: Options) async -> Outcome {
        let (symbol, series) = (work.symbol, work.series)
        guard let locks = options.locks else {
            return .done(await apply(work, plan: plan, options: options))
        }
        do {
            guard try await locks.tryLockSymbol(plan.market, symbol) else { return .locked(symbol) }
        } catch {
            return .done(
                failed(
                    symbol, series, work.funding, code: .database,
                    message: "cannot take the lock of \(symbol): \(error)"))
        }
        var report: Report.SymbolReport
        do {
            let current = try await options.replan?(symbol) ?? series
            let changes = current.filter(\.hasChanges)
            if changes.isEmpty && work.funding == nil {
                // Another agent already did this symbol's work.
                report = Report.SymbolReport(symbol: symbol, status: .ok, error: nil, durationMs: 0, series: [])
            } else {
                // Funding is not re-planned: fetching it again upserts identical events (counted unchanged).
                report = await apply(
                    SymbolWork(symbol: symbol, series: changes, funding: work.funding), plan: plan, options: options)
            }
        } catch {
            report = failed(
                symbol, series, work.funding, code: .database, message: "cannot re-plan \(symbol): \(error)")
        }
        do {
            try await locks.unlockSymbol(plan.market, symbol)
        } catch {
            logger.warning("cannot release a symbol lock", metadata: ["symbol": "\(symbol)", "error": "\(error)"])
        }
        return .done(report)
    }

    func failed(
        _ symbol: String, _ series: [SeriesPlan], _ funding: FundingPlan?, code: Report.ErrorCode, message: String
    ) -> Report.SymbolReport {
        Report.SymbolReport(
            symbol: symbol, status: .failed, error: Report.ErrorInfo(code: code, message: message), durationMs: 0,
            series: series.map { seriesReport($0) }, funding: funding.map(Report.FundingReport.init))
    }

    func skipped(_ symbol: String, _ series: [SeriesPlan], _ funding: FundingPlan?, reason: String)
        -> Report.SymbolReport
    {
        Report.SymbolReport(
            symbol: symbol, status: .skipped, error: Report.ErrorInfo(code: .skipped, message: reason), durationMs: 0,
            series: series.map { seriesReport($0) }, funding: funding.map(Report.FundingReport.init))
    }

    func seriesReport(_ plan: SeriesPlan) -> Report.SeriesReport {
        var report = Report.SeriesReport(
            interval: plan.interval.name, actions: plan.actions.map(\.kind),
            ranges: plan.actions.flatMap(\.ranges).map(Report.RangeText.init))
        report.dataset = plan.dataset
        return report
    }
}
