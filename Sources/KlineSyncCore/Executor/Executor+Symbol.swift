import Foundation

extension Executor {
    /// Fetches every range of one symbol (its series, then its funding history), then writes all of it in one
    /// transaction. Any failure writes nothing.
    func apply(_ work: SymbolWork, plan: Plan, options: Options) async -> Report.SymbolReport {
        let (symbol, series) = (work.symbol, work.series)
        let started = clock.now()
        var reports = series.map { seriesReport($0) }
        var fundingReport = work.funding.map(Report.FundingReport.init)
        var fundingWrite: FundingWrite?
        var writes: [SeriesWrite] = []
        var failure: Report.ErrorInfo?
        // Bars of this symbol held in memory (over all its series) until the transaction; beyond the symbol's
        // share they go to spool files.
        var held = 0
        for (index, seriesPlan) in series.enumerated() {
            let seriesStarted = clock.now()
            do {
                let write = try await fetch(
                    seriesPlan, plan: plan, into: &reports[index], options: options, held: &held)
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
                    options.stop.stop(.banned("\(error)"))
                }
                if case ExchangeError.exhausted(_, .banned) = error {
                    options.stop.stop(.banned("\(error)"))
                }
            }
            reports[index].durationMs = milliseconds(since: seriesStarted)
            if failure != nil { break }
        }
        if failure == nil, let funding = work.funding, var report = fundingReport {
            do {
                fundingWrite = try await fetchFunding(funding, symbol: symbol, report: &report)
            } catch {
                let info = Executor.errorInfo(error)
                report.error = info
                if case ExchangeError.exhausted(let attempts, _) = error {
                    report.requests += attempts
                    report.retries += attempts - 1
                }
                failure = info
                if case ExchangeError.banned = error { options.stop.stop(.banned("\(error)")) }
                if case ExchangeError.exhausted(_, .banned) = error { options.stop.stop(.banned("\(error)")) }
            }
            fundingReport = report
        }
        if failure == nil {
            do {
                let batch = SymbolWrite(
                    market: plan.market, symbol: symbol, instrument: options.instruments[symbol], series: writes,
                    funding: fundingWrite)
                let counts = try await store.write(batch)
                for (index, count) in counts.enumerated() where index < reports.count {
                    reports[index].barsInserted = count.inserted
                    reports[index].barsUpdated = count.updated
                    reports[index].barsDeleted = count.deleted
                }
                if fundingWrite != nil, counts.count > reports.count {
                    fundingReport?.eventsInserted = counts[reports.count].inserted
                    fundingReport?.eventsUpdated = counts[reports.count].updated
                }
            } catch {
                failure = Report.ErrorInfo(
                    code: .store, message: "writing \(symbol) failed, nothing of it was stored: \(error)")
            }
        }
        if failure != nil {
            for index in reports.indices {
                reports[index].barsInserted = 0
                reports[index].barsUpdated = 0
                reports[index].barsDeleted = 0
            }
            fundingReport?.eventsInserted = 0
            fundingReport?.eventsUpdated = 0
            logger.warning(
                "symbol failed, nothing written", metadata: ["symbol": "\(symbol)", "error": "\(failure!.message)"])
        }
        return Report.SymbolReport(
            symbol: symbol, status: failure == nil ? .ok : .failed, error: failure,
            durationMs: milliseconds(since: started), series: reports, funding: fundingReport)
    }

    /// Fetches the funding ranges of a symbol (`FundingSource`, its own limit) and makes its write: the events and
    /// the funding times now known complete, the span of the fetched ranges (they touch the stored checked range,
    /// or replace it when the window moved past it).
    func fetchFunding(_ funding: FundingPlan, symbol: String, report: inout Report.FundingReport) async throws
        -> FundingWrite
    {
        let started = clock.now()
        defer { report.durationMs = milliseconds(since: started) }
        guard let source = exchange as? any FundingSource else {
            throw ExchangeError.rejected(
                status: 0, code: -1100, message: "this exchange connection serves no funding history", path: "")
        }
        var rates: [FundingRate] = []
        let ranges = funding.fetchRanges
        for range in ranges {
            try Task.checkCancellation()
            let fetch = try await source.fetchFunding(symbol: symbol, range: range)
            report.requests += fetch.requests
            report.retries += fetch.retries
            report.eventsFetched += fetch.rates.count
            rates.append(contentsOf: fetch.rates.filter { range.contains($0.fundingTime) })
        }
        rates.sort { $0.fundingTime < $1.fundingTime }
        guard let first = ranges.first, let end = ranges.map(\.end).max() else { return FundingWrite(rates: rates) }
        return FundingWrite(rates: rates, checked: TimeRange(start: first.start, end: end))
    }

    /// Fetches the ranges of one series and works out what to write: bars, deletions, listing floor, empty ranges.
    ///
    /// Bars arrive page by page. `held` counts the bars the symbol holds in memory over all its series; when it
    /// passes the symbol's share of `options.memoryBars`, this series' bars move to its spool file, and its later
    /// pages go straight there, so a symbol never holds much more than its share (plus one page) however long its
    /// backfill.
    func fetch(
        _ seriesPlan: SeriesPlan, plan: Plan, into report: inout Report.SeriesReport, options: Options,
        held: inout Int
    ) async throws -> SeriesWrite {
        let interval = seriesPlan.interval
        let limit = options.memoryBarsPerSymbol
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
                // Only the start of a create or backfill can reveal where the listing begins.
                let mayFindFloor = (action.kind == .create || action.kind == .backfill) && rangeIndex == 0
                var covered = range.start
                var sawBar = false
                var uncovered: [TimeRange] = []
                var cost = RangeCost()
                try await fetchRange(
                    range, files: action.archive ?? [], series: seriesPlan, plan: plan, options: options, cost: &cost
                ) { page in
                    report.barsFetched += page.count
                    // Closed bars only, inside the range, whatever the exchange handed over (the page itself, not a
                    // copy, when all of it is).
                    func keep(_ bar: Bar) -> Bool { range.contains(bar.openTime) && bar.closeTime < plan.serverTime }
                    let bars = page.allSatisfy(keep) ? page : page.filter(keep)
                    if !sawBar, let first = bars.first {
                        sawBar = true
                        if first.openTime > range.start, mayFindFloor {
                            write.listingFloor = first.openTime
                            report.listingFloor = Timestamp.format(first.openTime)
                            covered = first.openTime
                        }
                    }
                    for bar in bars {
                        if bar.openTime > covered { uncovered.append(TimeRange(start: covered, end: bar.openTime)) }
                        covered = interval.next(bar.openTime)
                    }
                    if let spooled = write.spooled {
                        // A series that spooled once is long: its later pages go to the file as they come.
                        options.spoolStats.held(held + bars.count)
                        try spooled.append(bars)
                        options.spoolStats.spooled(bars.count, newSeries: false)
                    } else {
                        write.bars.append(contentsOf: bars)
                        held += bars.count
                        options.spoolStats.held(held)
                        if held > limit { try spool(&write, held: &held, options: options) }
                    }
                }
                report.requests += cost.requests
                report.weight += cost.weight
                report.retries += cost.retries
                if action.archive != nil {
                    report.archiveFiles = (report.archiveFiles ?? 0) + cost.archiveFiles
                    report.archiveBytes = (report.archiveBytes ?? 0) + cost.archiveBytes
                    report.archiveRequests = (report.archiveRequests ?? 0) + cost.archiveRequests
                    if !cost.fallbacks.isEmpty {
                        report.archiveFallbacks = (report.archiveFallbacks ?? []) + cost.fallbacks
                    }
                }
                if covered < range.end { uncovered.append(TimeRange(start: covered, end: range.end)) }
                write.emptyRanges.append(contentsOf: uncovered)
                // A replace upserts what came back (so revised bars count as updated, identical ones as unchanged)
                // and deletes only the stored bars the exchange no longer has, all in the symbol's transaction.
                if action.kind == .replace { write.deleteRanges.append(contentsOf: uncovered) }
            }
        }
        write.emptyRanges = TimeRange.merged(write.emptyRanges)
        report.confirmedEmpty = write.emptyRanges.map(Report.RangeText.init)
        write.bars.sort { $0.openTime < $1.openTime }
        return write
    }

    /// Moves the series' in-memory bars to its spool file (made on first use).
    private func spool(_ write: inout SeriesWrite, held: inout Int, options: Options) throws {
        guard !write.bars.isEmpty else { return }
        let isNew = write.spooled == nil
        if isNew { write.spooled = try BarSpool(directory: options.spoolDirectory) }
        try write.spooled!.append(write.bars)
        options.spoolStats.spooled(write.bars.count, newSeries: isNew)
        held -= write.bars.count
        write.bars = []
        if isNew {
            logger.debug(
                "spooling bars to disk",
                metadata: ["series": "\(write.key)", "folder": "\(write.spooled!.directory)"])
        }
    }

    static func errorInfo(_ error: any Error) -> Report.ErrorInfo {
        if let exchange = error as? ExchangeError {
            return Report.ErrorInfo(code: .exchange(exchange), message: exchange.description)
        }
        if let spool = error as? SpoolError {
            return Report.ErrorInfo(code: .spool, message: spool.description)
        }
        if error is CancellationError {
            return Report.ErrorInfo(code: .interrupted, message: "interrupted before commit; nothing written")
        }
        return Report.ErrorInfo(code: .error, message: "\(error)")
    }

    func makeReport(plan: Plan, options: Options, results: [Report.SymbolReport], started: RunStart) -> Report {
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
                if series.archiveFiles != nil {
                    totals.archive = totals.archive ?? Report.ArchiveTotals()
                    totals.archive?.add(series)
                }
            }
            if let funding = symbol.funding {
                totals.funding = totals.funding ?? Report.FundingTotals()
                totals.funding?.add(funding)
                totals.retries += funding.retries
            }
        }
        let status: Report.Status
        let interrupted = options.stop.reason?.isInterruption ?? false
        if totals.symbolsFailed == 0 && totals.symbolsSkipped == 0 {
            status = .ok
        } else if totals.symbolsOk > 0 || interrupted {
            // An interrupted run stopped on request: what it committed is whole, the rest is left for a re-run.
            status = .partial
        } else {
            status = .failed
        }
        let duration = seconds(since: started.elapsed)
        let finished = started.date.addingTimeInterval(duration)
        return Report(
            runId: options.runID, manifest: Report.ManifestRef(path: plan.manifestPath, digest: plan.manifestDigest),
            database: plan.database, exchange: plan.exchange, market: plan.market, serverTime: plan.serverTime,
            startedAt: Timestamp.format(Int64(started.date.timeIntervalSince1970 * 1000)),
            finishedAt: Timestamp.format(Int64(finished.timeIntervalSince1970 * 1000)),
            durationSeconds: duration, status: status,
            error: options.stop.reason.map { Report.ErrorInfo(code: .stopped, message: $0.description) },
            interrupted: interrupted, totals: totals, symbols: results)
    }
}
