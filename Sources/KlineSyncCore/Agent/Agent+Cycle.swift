import Foundation
import Logging

extension Agent {
    /// Runs one cycle: connects, applies with a fresh run id, reads the server time and the series' closes, and
    /// records the outcome in the metrics, the status and the log.
    func cycle() async -> ApplyResult {
        let manifest = state.withLock { $0.manifest }
        let runID = RunID.make()
        let stop = StopSignal()
        let stopping: Bool = state.withLock {
            $0.cycleStop = stop
            return $0.stopping
        }
        if stopping { stop.stop(.interrupted(signal: "SIGTERM")) }
        let started = clock.now
        let startedAt = Date()
        var result: ApplyResult
        var responses: [String: Int]?
        do {
            let connection = try await environment.connect(manifest)
            let sync = Sync(
                manifest: manifest, exchange: connection.exchange, database: connection.database,
                archive: connection.archive, endpoint: connection.endpoint, logger: logger)
            result = await sync.apply(
                Sync.ApplyOptions(
                    runID: runID, lockTimeout: configuration.lockTimeout, memoryBars: configuration.memoryBars,
                    stop: stop, observer: SymbolLogger(logger: logger), keepRuns: configuration.keep))
            await readServerTime(connection.exchange, fallback: result.report.serverTime, startedAt: started)
            responses = (connection.exchange as? any ResponseCounting)?.responseCounts()
            if let until = await (connection.exchange as? any ExchangeUsageReporting)?.usage().bannedUntil {
                // A new client per cycle forgets the ban: the agent keeps it, so nothing is sent until it ends.
                state.withLock { $0.bannedUntil = max($0.bannedUntil ?? 0, until) }
                logger.error(
                    "banned by the exchange; no cycle until the ban ends",
                    metadata: ["until": "\(Timestamp.format(until))"])
            }
            if result.failure == nil || result.report.serverTime != nil {
                do {
                    let closes = try await SeriesCloses.read(manifest, from: connection.database)
                    state.withLock { $0.closes = closes }
                } catch {
                    logger.warning("cannot read the series' last bars for the lag", metadata: ["error": "\(error)"])
                }
            }
            await connection.close()
        } catch {
            result = ApplyResult(
                report: Report.failed(
                    runID: runID, manifest: manifest, started: startedAt, code: SyncError.code(of: error),
                    message: "\(error)"),
                failure: error)
        }
        state.withLock { $0.cycleStop = nil }
        let duration = started.duration(to: clock.now)
        metrics.recordCycle(
            result.report, duration: duration, responses: responses, finishedAt: Date().timeIntervalSince1970)
        record(result.report)
        refreshLags()
        await environment.cycleFinished(result, manifest: manifest, keep: configuration.keep)
        return result
    }

    /// Reads the exchange's clock after a cycle; falls back to the server time the cycle's plan used.
    ///
    /// The answer is taken as of the moment it arrived: the server read its clock no later than that, so the
    /// estimate of its time never runs ahead, and a cycle never starts before the close it is meant for (it may
    /// start later by the request's latency, which the settle delay covers).
    private func readServerTime(_ exchange: any Exchange, fallback: Int64?, startedAt: C.Instant) async {
        if let time = try? await exchange.serverTime() {
            let arrived = clock.now
            state.withLock { $0.serverReference = (arrived, time) }
        } else if let fallback {
            state.withLock { $0.serverReference = (startedAt, fallback) }
        }
    }

    /// Updates the status with a finished cycle's report and logs its one info line.
    private func record(_ report: Report) {
        let success = report.status == .ok
        let (failures, healthy) = state.withLock { state -> (Int, Bool) in
            var cycles = state.status.cycles
            cycles.total += 1
            switch report.status {
            case .ok: cycles.ok += 1
            case .partial: cycles.partial += 1
            case .failed: cycles.failed += 1
            }
            cycles.consecutiveFailures = success ? 0 : cycles.consecutiveFailures + 1
            if success { cycles.lastSuccessAt = report.finishedAt }
            state.status.cycles = cycles
            state.status.lastCycle = AgentStatus.CycleSummary(report)
            // Healthy: the last cycle succeeded, or one failure since a success (its retry is still to come).
            state.status.healthy = cycles.lastSuccessAt != nil && cycles.consecutiveFailures <= 1
            if state.status.state == .starting { state.status.state = .running }
            return (cycles.consecutiveFailures, state.status.healthy)
        }
        var metadata: Logger.Metadata = [
            "run_id": "\(report.runId)", "status": "\(report.status.rawValue)",
            "symbols_ok": "\(report.totals.symbolsOk)", "symbols_failed": "\(report.totals.symbolsFailed)",
            "bars_inserted": "\(report.totals.barsInserted)", "requests": "\(report.totals.requests)",
            "weight": "\(report.totals.weightUsed)", "duration_ms": "\(Int(report.durationSeconds * 1000))",
            "healthy": "\(healthy)",
        ]
        if !success { metadata["consecutive_failures"] = "\(failures)" }
        if let error = report.error { metadata["error"] = "\(error.message)" }
        logger.info("cycle finished", metadata: metadata)
    }
}

/// Logs every finished symbol at debug level (the per-symbol detail of a cycle).
struct SymbolLogger: SyncObserver {
    let logger: Logger

    func symbolFinished(_ report: Report.SymbolReport, done: Int, total: Int) {
        var metadata: Logger.Metadata = [
            "symbol": "\(report.symbol)", "status": "\(report.status.rawValue)",
            "bars_inserted": "\(report.series.reduce(0) { $0 + $1.barsInserted })",
            "duration_ms": "\(report.durationMs)", "done": "\(done)", "total": "\(total)",
        ]
        if let error = report.error { metadata["error"] = "\(error.message)" }
        logger.debug("symbol finished", metadata: metadata)
    }
}
