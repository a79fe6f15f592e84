import ArgumentParser
import Foundation
import KlineSyncCore
import KlineSyncSQLite
import Logging
import Synchronization

/// One apply: discover the exchange, lock, plan (or check the saved plan), execute, report. Returns the exit code.
///
/// The exchange is read before the database is locked or created: a run that cannot reach it applies nothing, so it
/// creates nothing either (no database, lock file or report folder).
struct ApplyRunner {
    let manifest: Manifest
    let saved: Plan?
    let force: [ForceSelector]
    let runID: String
    let reportPath: String
    /// Whether the report path came from `--report` (a run that applies nothing still writes it there).
    var reportRequested = false
    let quiet: Bool
    let lockTimeout: Double
    let memoryBars: Int
    let logger: Logger

    func run() async -> Int32 {
        let started = Date()
        var lock: WriterLock?
        var store: (any Store)?
        var session: Session?
        defer { lock?.release() }
        do {
            session = try await Session.start(manifest, logger: logger)
            var (time, info) = try await session!.discover()
            if let saved, !StoreOpener.exists(manifest.database) {
                // Refused before a database is made for it.
                try Staleness.check(saved, against: .empty, manifest: manifest, info: info, serverTime: time)
            }
            if case .sqlite(let path) = manifest.database {
                var waited = false
                lock = try await WriterLock.acquire(databasePath: path, timeout: lockTimeout) { holder in
                    waited = true
                    Terminal.printError(
                        "waiting for another apply on \(manifest.database) (\(holder?.description ?? "holder unknown"))…"
                    )
                }
                // The other apply moved the database on; plan from the exchange's state now.
                if waited { (time, info) = try await session!.discover() }
            }
            store = try await StoreOpener.open(manifest.database, create: true)
            do {
                try await store!.saveInstruments(info.instruments, market: manifest.source.market)
            } catch {
                throw CLIError.database("cannot refresh the instruments table in \(manifest.database): \(error)")
            }
            let snapshot = try await StoreSnapshot.load(from: store!, market: manifest.source.market)
            let plan: Plan
            if let saved {
                try Staleness.check(saved, against: snapshot, manifest: manifest, info: info, serverTime: time)
                plan = saved
            } else {
                plan = Planner.plan(
                    Planner.Input(
                        manifest: manifest, exchangeInfo: info, serverTime: time, snapshot: snapshot,
                        database: manifest.database.description, force: force))
            }
            let code = await execute(plan, info: info, store: store!, session: session!, started: started)
            await session!.shutdown()
            try? await store!.close()
            return code
        } catch {
            await session?.shutdown()
            try? await store?.close()
            let message = Terminal.message(for: error)
            Terminal.printError("error: \(message)")
            let report = Report.failed(
                runID: runID, manifest: manifest, started: started, code: Self.code(of: error), message: message)
            await writeFailureReport(report)
            return 1
        }
    }

    static func code(of error: any Error) -> String {
        switch error {
        case CLIError.exchange: "exchange_unreachable"
        case CLIError.database: "database"
        case CLIError.stalePlan: "stale_plan"
        case is WriterLock.Busy: "locked"
        default: "error"
        }
    }

    func execute(_ plan: Plan, info: ExchangeInfo, store: any Store, session: Session, started: Date) async -> Int32 {
        let stop = StopSignal()
        // With `--report -`, stdout carries the report alone (for pipes into jq): no progress, summary on stderr.
        let reportOnStdout = reportPath == "-"
        let progress = ProgressPrinter(
            quiet: quiet || reportOnStdout, live: Terminal.stdoutIsTTY, client: session.client)
        let instruments = Dictionary(info.instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        var options = Executor.Options(
            runID: runID, concurrency: manifest.pacing.concurrency, instruments: instruments, stop: stop,
            observer: progress, memoryBars: memoryBars)
        if let locks = store as? any SymbolLocking {
            // Several agents may share this database: work on a symbol only under its lock, re-planned first.
            options.locks = locks
            options.lockWaitSeconds = max(lockTimeout, 600)
            if saved == nil {
                let manifest = self.manifest
                let force = self.force
                options.replan = { symbol in
                    try await ApplyRunner.replan(
                        symbol: symbol, manifest: manifest, info: info, serverTime: plan.serverTime, force: force,
                        store: store)
                }
            }
        }
        let executor = Executor(exchange: session.client, store: store, logger: logger)
        let spoolStats = options.spoolStats
        let task = Task { [options] in await executor.execute(plan, options: options) }
        // A second signal abandons the symbols in flight: the database is not waited for again (it may be what hangs).
        let abandoned = Mutex(false)
        let signals = SignalHandler { count, name in
            if count > 1 { abandoned.withLock { $0 = true } }
            if count == 1 {
                stop.stop(reason: "interrupted by \(name)")
                Terminal.printError(
                    "\n\(name): finishing symbols in flight, starting no new ones (again to abandon them)…")
            } else {
                task.cancel()
            }
        }
        progress.start(total: Set(plan.series.filter(\.hasChanges).map(\.symbol)).count)
        var report = await task.value
        if spoolStats.spooledBars > 0 {
            logger.info(
                "long fetches spooled to disk to bound memory",
                metadata: [
                    "bars": "\(spoolStats.spooledBars)", "series": "\(spoolStats.spooledSeries)",
                    "peak_bars_in_memory_per_symbol": "\(spoolStats.peakSymbolBarsInMemory)",
                ])
        }
        signals.cancel()
        let stats = await session.client.stats()
        report.totals.rateLimited = stats.rateLimited
        report.totals.bans = stats.bans
        if !stats.minutes.isEmpty {
            report.pacing = Report.Pacing(
                weightPerMinute: stats.budget,
                minutes: stats.minutes.sorted { $0.key < $1.key }.map { minute, usage in
                    Report.Pacing.Minute(
                        start: Timestamp.format(minute * 60_000), weight: usage.weight, requests: usage.requests,
                        waitedMs: Int((usage.budgetWait / .milliseconds(1)).rounded()))
                })
        }
        progress.finish()
        let written = await writeReport(report, store: abandoned.withLock { $0 } ? nil : store)
        if !quiet, reportOnStdout { Terminal.printError(report.summaryLine) }
        if !quiet, !reportOnStdout { print(report.summaryLine) }
        if !quiet, written, !reportOnStdout { print("Report: \(reportPath)") }
        for symbol in report.symbols where symbol.status == .failed {
            Terminal.printError("error: \(symbol.symbol): \(symbol.error?.message ?? "failed")")
        }
        switch report.status {
        // Everything committed but the report is missing: not a clean 0 for a script, and not 1 (data was applied).
        case .ok: return written ? 0 : 2
        case .partial: return 2
        case .failed: return 1
        }
    }

    /// The plan of one symbol from the database's state now (another agent may have written it).
    static func replan(
        symbol: String, manifest: Manifest, info: ExchangeInfo, serverTime: Int64, force: [ForceSelector],
        store: any Store
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
                serverTime: serverTime, snapshot: snapshot, force: force))
        return plan.series.filter { $0.symbol == symbol }
    }

    /// Records the run in the database, then writes the report to its path (or stdout). Returns whether the report
    /// was written; a failure is printed (the run's record in the database keeps the report then).
    func writeReport(_ report: Report, store: (any Store)?) async -> Bool {
        let text: String
        do {
            text = try JSONCoding.string(report)
        } catch {
            Terminal.printError("error: cannot encode the report: \(error)")
            return false
        }
        var recorded = false
        if let store {
            let record = RunRecord(
                id: report.runId, manifestDigest: report.manifest.digest,
                startedAt: Timestamp.parse(report.startedAt) ?? 0, finishedAt: Timestamp.parse(report.finishedAt),
                status: report.status.rawValue, report: text)
            do {
                try await store.recordRun(record)
                recorded = true
            } catch {
                Terminal.printError("warning: could not record the run in the database: \(error)")
            }
        }
        if reportPath == "-" {
            print(text, terminator: "")
            fflush(nil)
            return true
        }
        do {
            try FileIO.save(Data(text.utf8), to: reportPath, action: "write the report to", createFolders: true)
            return true
        } catch {
            let kept = recorded ? " (the report of run \(report.runId) is kept in the database's runs table)" : ""
            Terminal.printError("error: \(Terminal.message(for: error))\(kept)")
            return false
        }
    }

    /// The report of a run that applied nothing: written where `--report` asked, or to report.path when its folder
    /// already exists; otherwise no folder is made for it, and stderr says so.
    func writeFailureReport(_ report: Report) async {
        if !reportRequested {
            let folder = (reportPath as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            let exists = folder.isEmpty || FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
            guard exists, folder.isEmpty || isFolder.boolValue else {
                Terminal.printError(
                    "note: no report written, as nothing was applied and its folder \(folder) does not exist; "
                        + "pass --report PATH to write one anyway")
                return
            }
        }
        _ = await writeReport(report, store: nil)
    }
}
