import Foundation

extension Executor {
    /// Fetches every range of one symbol, then writes all of it in one transaction. Any failure writes nothing.
    func apply(symbol: String, series: [SeriesPlan], plan: Plan, options: Options) async -> Report.SymbolReport {
        let started = Date()
        var reports = series.map { seriesReport($0) }
        var writes: [SeriesWrite] = []
        var failure: Report.ErrorInfo?
        for (index, seriesPlan) in series.enumerated() {
            let seriesStarted = Date()
            do {
                let write = try await fetch(seriesPlan, plan: plan, into: &reports[index], stop: options.stop)
                writes.append(write)
            } catch {
                let info = Executor.errorInfo(error)
                reports[index].error = info
                // The requests of the failed range count too: the exchange saw them and they used weight.
                switch error as? ExchangeError {
                case .exhausted(let attempts, _)?:
                    reports[index].requests += attempts
                    reports[index].retries += attempts - 1
                case .rejected(let status, _, _, _)? where status > 0:
                    reports[index].requests += 1
                default:
                    break
                }
                failure = info
                if case ExchangeError.banned = error {
                    options.stop.stop(reason: "the exchange banned this IP: \(error)")
                }
                if case ExchangeError.exhausted(_, .banned) = error {
                    options.stop.stop(reason: "the exchange banned this IP: \(error)")
                }
            }
            reports[index].durationMs = Int(Date().timeIntervalSince(seriesStarted) * 1000)
            if failure != nil { break }
        }
        if failure == nil {
            do {
                let batch = SymbolWrite(
                    market: plan.market, symbol: symbol, instrument: options.instruments[symbol], series: writes)
                let counts = try await store.write(batch)
                for (index, count) in counts.enumerated() where index < reports.count {
                    reports[index].barsInserted = count.inserted
                    reports[index].barsUpdated = count.updated
                    reports[index].barsDeleted = count.deleted
                }
            } catch {
                failure = Report.ErrorInfo(
                    code: "store", message: "writing \(symbol) failed, nothing of it was stored: \(error)")
            }
        }
        if failure != nil {
            for index in reports.indices {
                reports[index].barsInserted = 0
                reports[index].barsUpdated = 0
                reports[index].barsDeleted = 0
            }
            logger.warning(
                "symbol failed, nothing written", metadata: ["symbol": "\(symbol)", "error": "\(failure!.message)"])
        }
        return Report.SymbolReport(
            symbol: symbol, status: failure == nil ? .ok : .failed, error: failure,
            durationMs: Int(Date().timeIntervalSince(started) * 1000), series: reports)
    }

    /// Fetches the ranges of one series and works out what to write: bars, deletions, listing floor, empty ranges.
    func fetch(_ seriesPlan: SeriesPlan, plan: Plan, into report: inout Report.SeriesReport, stop: StopSignal)
        async throws -> SeriesWrite
    {
        let interval = seriesPlan.interval
        var write = SeriesWrite(key: seriesPlan.key(market: plan.market))
        for action in seriesPlan.actions {
            switch action.kind {
            case .prune:
                write.deleteRanges.append(contentsOf: action.ranges)
            default: break
            }
            guard action.kind.fetches else { continue }
            for (rangeIndex, range) in action.ranges.enumerated() {
                try Task.checkCancellation()
                let fetched = try await exchange.fetchBars(
                    symbol: seriesPlan.symbol, interval: interval, range: range, horizon: plan.serverTime)
                report.requests += fetched.requests
                report.weight += fetched.weight
                report.retries += fetched.retries
                report.barsFetched += fetched.bars.count
                let bars = fetched.bars.filter { range.contains($0.openTime) }
                // Only the start of a create or backfill can reveal where the listing begins.
                let mayFindFloor = (action.kind == .create || action.kind == .backfill) && rangeIndex == 0
                var covered = range.start
                if let first = bars.first, first.openTime > range.start, mayFindFloor {
                    write.listingFloor = first.openTime
                    report.listingFloor = Timestamp.format(first.openTime)
                    covered = first.openTime
                }
                var uncovered: [TimeRange] = []
                for bar in bars {
                    if bar.openTime > covered { uncovered.append(TimeRange(start: covered, end: bar.openTime)) }
                    covered = interval.next(bar.openTime)
                }
                if covered < range.end { uncovered.append(TimeRange(start: covered, end: range.end)) }
                write.emptyRanges.append(contentsOf: uncovered)
                // A replace upserts what came back (so revised bars count as updated, identical ones as unchanged)
                // and deletes only the stored bars the exchange no longer has, all in the symbol's transaction.
                if action.kind == .replace { write.deleteRanges.append(contentsOf: uncovered) }
                write.bars.append(contentsOf: bars)
            }
        }
        write.emptyRanges = TimeRange.merged(write.emptyRanges)
        report.confirmedEmpty = write.emptyRanges.map(Report.RangeText.init)
        write.bars.sort { $0.openTime < $1.openTime }
        return write
    }

    static func errorInfo(_ error: any Error) -> Report.ErrorInfo {
        if let exchange = error as? ExchangeError {
            return Report.ErrorInfo(code: exchange.code, message: exchange.description)
        }
        if error is CancellationError {
            return Report.ErrorInfo(code: "interrupted", message: "interrupted before commit; nothing written")
        }
        return Report.ErrorInfo(code: "error", message: "\(error)")
    }

    func makeReport(plan: Plan, options: Options, results: [Report.SymbolReport], started: Date) -> Report {
        var totals = Report.Totals()
        totals.symbols = results.count
        for symbol in results {
            switch symbol.status {
            case .ok: totals.symbolsOk += 1
            case .failed: totals.symbolsFailed += 1
            case .skipped: totals.symbolsSkipped += 1
            }
            for series in symbol.series {
                totals.series += 1
                totals.requests += series.requests
                totals.weightUsed += series.weight
                totals.retries += series.retries
                totals.barsFetched += series.barsFetched
                totals.barsInserted += series.barsInserted
                totals.barsUpdated += series.barsUpdated
                totals.barsDeleted += series.barsDeleted
            }
        }
        let status: Report.Status
        let interrupted = options.stop.reason?.hasPrefix("interrupted") ?? false
        if totals.symbolsFailed == 0 && totals.symbolsSkipped == 0 {
            status = .ok
        } else if totals.symbolsOk > 0 || interrupted {
            // An interrupted run stopped on request: what it committed is whole, the rest is left for a re-run.
            status = .partial
        } else {
            status = .failed
        }
        let finished = Date()
        return Report(
            runId: options.runID, manifest: Report.ManifestRef(path: plan.manifestPath, digest: plan.manifestDigest),
            database: plan.database, exchange: plan.exchange, market: plan.market, serverTime: plan.serverTime,
            startedAt: Timestamp.format(Int64(started.timeIntervalSince1970 * 1000)),
            finishedAt: Timestamp.format(Int64(finished.timeIntervalSince1970 * 1000)),
            durationSeconds: finished.timeIntervalSince(started), status: status,
            error: options.stop.reason.map { Report.ErrorInfo(code: "stopped", message: $0) },
            interrupted: interrupted, totals: totals, symbols: results)
    }
}
