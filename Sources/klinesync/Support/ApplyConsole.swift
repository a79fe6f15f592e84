import KlineSyncCore
import Synchronization

/// What `apply` shows and traps while `Sync` runs: the writer-lock wait, progress, and SIGINT/SIGTERM while symbols
/// execute (the first stops new work, the second abandons the symbols in flight).
final class ApplyConsole: SyncObserver {
    let progress: ProgressPrinter
    let stop: StopSignal
    private let signals = SignalTrap()
    /// The task running the sync, cancelled by a second signal.
    private let run = Mutex<Task<ApplyResult, Never>?>(nil)
    private let abandonedState = Mutex(false)

    init(progress: ProgressPrinter, stop: StopSignal) {
        self.progress = progress
        self.stop = stop
    }

    /// Runs the sync under this console; returns its result once it ends (or is abandoned).
    func apply(_ sync: Sync, _ options: Sync.ApplyOptions) async -> ApplyResult {
        var options = options
        options.stop = stop
        options.observer = self
        let task = Task { [options] in await sync.apply(options) }
        run.withLock { $0 = task }
        let result = await task.value
        signals.disarm()
        return result
    }

    /// Whether a second signal abandoned the symbols in flight.
    var abandoned: Bool { abandonedState.withLock { $0 } }

    func waitingForWriter(database: DatabaseLocation, holder: String?) {
        Terminal.printError("waiting for another apply on \(database) (\(holder ?? "holder unknown"))…")
    }

    func executionStarted(symbols: Int) async {
        await signals.arm { [self] count, name in
            if count == 1 {
                stop.stop(.interrupted(signal: name))
                Terminal.printError(
                    "\n\(name): finishing symbols in flight, starting no new ones (again to abandon them)…")
            } else {
                // The database is not waited for again (it may be what hangs).
                abandonedState.withLock { $0 = true }
                run.withLock { $0?.cancel() }
            }
        }
        progress.start(total: symbols)
    }

    func executing(_ plan: Plan) { progress.expect(plan.totals) }

    func symbolFinished(_ report: Report.SymbolReport, done: Int, total: Int) {
        progress.symbolFinished(report, done: done, total: total)
    }

    func archiveFileFinished(bytes: Int) { progress.archiveFileFinished(bytes: bytes) }

    func executionFinished() {
        signals.disarm()
        progress.finish()
    }
}
