import Foundation
import Synchronization

extension Sync {
    /// What an apply needs besides the manifest, the exchange and the database.
    public struct ApplyOptions: Sendable {
        public var runID: String
        /// The saved plan to run exactly (`klinesync apply PLAN`); nil plans from the manifest now.
        public var saved: Plan?
        public var force: [ForceSelector]
        /// Seconds to wait for another writer's lock (and, at least 600, for symbols other agents hold).
        public var lockTimeout: Double
        /// Bars the run may hold in memory before spooling (see `Executor.Options.memoryBars`).
        public var memoryBars: Int
        /// Set by a signal or a ban: symbols in flight finish, no new ones start.
        public var stop: StopSignal
        public var observer: (any SyncObserver)?
        /// Folder of the spool files (the system's temporary folder when nil).
        public var spoolDirectory: String?
        /// When set, the `runs` table keeps only this many latest runs after the run is recorded (the agent's
        /// retention; the store must support `RunRetention`).
        public var keepRuns: Int?

        public init(
            runID: String, saved: Plan? = nil, force: [ForceSelector] = [], lockTimeout: Double = 5,
            memoryBars: Int = Executor.Options.defaultMemoryBars, stop: StopSignal = StopSignal(),
            observer: (any SyncObserver)? = nil, spoolDirectory: String? = nil, keepRuns: Int? = nil
        ) {
            self.runID = runID
            self.saved = saved
            self.force = force
            self.lockTimeout = lockTimeout
            self.memoryBars = memoryBars
            self.stop = stop
            self.observer = observer
            self.spoolDirectory = spoolDirectory
            self.keepRuns = keepRuns
        }
    }

    /// One apply: discover the exchange, open the database for writing (under its writer lock), refresh the
    /// instruments, plan (or check the saved plan), execute, record the run. Never throws: a run that applied
    /// nothing returns a `failed` report with the error in `failure`.
    ///
    /// Cancelling the calling task abandons the symbols in flight (they roll back) and leaves the run out of the
    /// database's `runs` table, which may be what hangs.
    public func apply(_ options: ApplyOptions) async -> ApplyResult {
        let started = Date()
        var store: (any Store)?
        do {
            var (time, info) = try await discover()
            if let saved = options.saved, !database.mayExist() {
                // Refused before a database is made for it.
                try Staleness.check(saved, against: .empty, manifest: manifest, info: info, serverTime: time)
            }
            let waited = WaitFlag()
            let location = database.location
            let observer = options.observer
            do {
                store = try await database.openForWriting(lockTimeout: options.lockTimeout) { holder in
                    waited.set()
                    observer?.waitingForWriter(database: location, holder: holder)
                }
            } catch let error as any StoreLockBusy {
                throw error
            } catch {
                throw SyncError.database("\(error)")
            }
            // Another apply moved the database on while this one waited; plan from the exchange's state now.
            if waited.isSet { (time, info) = try await discover() }
            let report = try await execute(
                options, store: store!, serverTime: time, info: info, observer: observer)
            let recorded = Task.isCancelled ? false : await record(report, in: store!)
            if recorded, let keep = options.keepRuns { await pruneRuns(in: store!, keeping: keep) }
            try? await store?.close()
            return ApplyResult(report: report, recorded: recorded)
        } catch {
            try? await store?.close()
            let report = Report.failed(
                runID: options.runID, manifest: manifest, started: started, code: SyncError.code(of: error),
                message: "\(error)")
            return ApplyResult(report: report, failure: error)
        }
    }

    /// Refreshes the instruments, makes or checks the plan and runs it.
    func execute(
        _ options: ApplyOptions, store: any Store, serverTime: Int64, info: ExchangeInfo,
        observer: (any SyncObserver)?
    ) async throws -> Report {
        let market = manifest.source.market
        do {
            try await store.saveInstruments(info.instruments, market: market)
        } catch {
            throw SyncError.database("cannot refresh the instruments table in \(manifest.database): \(error)")
        }
        let snapshot = try await StoreSnapshot.load(from: store, market: market)
        let plan: Plan
        if let saved = options.saved {
            try Staleness.check(saved, against: snapshot, manifest: manifest, info: info, serverTime: serverTime)
            plan = saved
        } else {
            plan = Planner.plan(
                Planner.Input(
                    manifest: manifest, exchangeInfo: info, serverTime: serverTime, snapshot: snapshot,
                    database: manifest.database.description, force: options.force, archive: archivePlanning))
        }
        let instruments = Dictionary(info.instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        var executorOptions = Executor.Options(
            runID: options.runID, concurrency: manifest.pacing.concurrency, instruments: instruments,
            stop: options.stop, observer: observer, memoryBars: options.memoryBars,
            spoolDirectory: options.spoolDirectory)
        executorOptions.archiveConcurrency = manifest.pacing.archiveConcurrency
        if let locks = store as? any SymbolLocking {
            // Several agents may share this database: work on a symbol only under its lock, re-planned first.
            executorOptions.locks = locks
            executorOptions.lockWaitSeconds = max(options.lockTimeout, 600)
            if options.saved == nil {
                let sync = self
                let force = options.force
                executorOptions.replan = { symbol in
                    try await sync.replan(
                        symbol: symbol, info: info, serverTime: plan.serverTime, force: force, store: store)
                }
            }
        }
        observer?.executing(plan)
        await observer?.executionStarted(symbols: Set(plan.series.filter(\.hasChanges).map(\.symbol)).count)
        let executor = Executor(exchange: exchange, store: store, archive: archive, logger: logger, clock: clock)
        var report = await executor.execute(plan, options: executorOptions)
        let spool = executorOptions.spoolStats
        if spool.spooledBars > 0 {
            logger.info(
                "long fetches spooled to disk to bound memory",
                metadata: [
                    "bars": "\(spool.spooledBars)", "series": "\(spool.spooledSeries)",
                    "peak_bars_in_memory_per_symbol": "\(spool.peakSymbolBarsInMemory)",
                ])
        }
        if let usage = await (exchange as? any ExchangeUsageReporting)?.usage() {
            report.totals.rateLimited = usage.rateLimited
            report.totals.bans = usage.bans
            report.pacing = usage.pacing
        }
        observer?.executionFinished()
        return report
    }

    /// The plan of one symbol from the database's state now (another agent may have written it).
    func replan(
        symbol: String, info: ExchangeInfo, serverTime: Int64, force: [ForceSelector], store: any Store
    ) async throws -> [SeriesPlan] {
        var summaries: [SeriesKey: SeriesSummary] = [:]
        var gaps: [SeriesKey: [TimeRange]] = [:]
        for summary in try await store.summaries(market: manifest.source.market) where summary.key.symbol == symbol {
            summaries[summary.key] = summary
            if summary.hasInteriorGaps { gaps[summary.key] = try await store.gaps(of: summary.key) }
        }
        let snapshot = StoreSnapshot(lineageID: nil, summaries: summaries, gaps: gaps)
        let instruments = info.instruments.filter { $0.symbol == symbol }
        let plan = Planner.plan(
            Planner.Input(
                manifest: manifest,
                exchangeInfo: ExchangeInfo(instruments: instruments, weightLimitPerMinute: info.weightLimitPerMinute),
                serverTime: serverTime, snapshot: snapshot, force: force, archive: archivePlanning))
        return plan.series.filter { $0.symbol == symbol }
    }

    /// Records the run in the database's `runs` table; false (with a warning logged) when that fails.
    func record(_ report: Report, in store: any Store) async -> Bool {
        do {
            let text = try JSONCoding.string(report)
            let record = RunRecord(
                id: report.runId, manifestDigest: report.manifest.digest,
                startedAt: Timestamp.parse(report.startedAt) ?? 0, finishedAt: Timestamp.parse(report.finishedAt),
                status: report.status.rawValue, report: text)
            try await store.recordRun(record)
            return true
        } catch {
            logger.warning("could not record the run in the database", metadata: ["error": "\(error)"])
            return false
        }
    }
}

extension Sync {
    /// Drops all but the `keep` latest runs (a warning logged when that fails).
    func pruneRuns(in store: any Store, keeping keep: Int) async {
        guard let retention = store as? any RunRetention else { return }
        do {
            try await retention.pruneRuns(keepingLatest: keep)
        } catch {
            logger.warning("could not delete old runs from the database", metadata: ["error": "\(error)"])
        }
    }
}

/// Set once from the lock's wait callback, read after the lock is held.
final class WaitFlag: Sendable {
    private let state = Mutex(false)

    func set() { state.withLock { $0 = true } }

    var isSet: Bool { state.withLock { $0 } }
}
