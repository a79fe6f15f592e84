extension Planner {
    static func planSeries(
        key: SeriesKey, rule: Manifest.IntervalRule, instrument: Instrument, input: Input, paging: Paging.Mode,
        archive choice: ArchiveChoice? = nil
    ) -> SeriesPlan {
        let interval = key.interval
        let market = key.market
        let summary = input.snapshot.summaries[key]
        let desired = window(rule: rule, instrument: instrument, summary: summary, serverTime: input.serverTime)
        let empty = summary?.emptyRanges ?? []
        let listing = estimatedListing(instrument: instrument, summary: summary, serverTime: input.serverTime)
        var actions: [PlannedAction] = []

        func action(_ kind: ActionKind, _ ranges: [TimeRange]) {
            let ranges = TimeRange.merged(
                ranges.map { TimeRange(start: interval.ceil($0.start), end: interval.ceil($0.end)) })
            guard !ranges.isEmpty else { return }
            var bars: Int64 = 0
            var requests = 0
            var weight = 0
            var files: [ArchivePeriod] = []
            var windowBars: Int64 = 0
            for range in ranges {
                windowBars += interval.count(from: range.start, to: range.end)
                // Bars expected: from the estimated listing on (onboardDate), when no floor is recorded yet.
                let from =
                    kind.fetches
                    ? min(range.end, max(range.start, listing.map(interval.floor) ?? range.start)) : range.start
                bars += interval.count(from: from, to: range.end)
                guard kind.fetches else { continue }
                var rest = [range]
                if let choice {
                    let candidates = choice.planning.periods(
                        in: range, interval: interval, serverTime: input.serverTime, listing: listing)
                    let chosen = choice.files(for: range, among: candidates) {
                        fetchCost(
                            market: market, interval: interval, range: $0, mode: paging, estimatedListing: listing)
                    }
                    if !chosen.isEmpty {
                        files += chosen
                        rest = range.subtracting(chosen.map(\.range))
                    }
                }
                for piece in rest {
                    let cost = fetchCost(
                        market: market, interval: interval, range: piece, mode: paging, estimatedListing: listing)
                    requests += cost.requests
                    weight += cost.weight
                }
            }
            guard windowBars > 0 else { return }
            actions.append(
                PlannedAction(
                    kind: kind, ranges: ranges, bars: bars, requests: requests, weight: weight,
                    archive: files.isEmpty ? nil : files))
        }

        // Force rules and --force: replace the selected part of the window.
        var replace: [TimeRange] = []
        if !desired.isEmpty {
            for rule in input.manifest.force
            where rule.covers(symbol: key.symbol, interval: interval, dataset: key.dataset) {
                replace.append(contentsOf: forceRange(rule.range, interval: interval, desired: desired))
            }
            if input.force.contains(where: { $0.covers(symbol: key.symbol, interval: interval, dataset: key.dataset) })
            {
                replace.append(desired)
            }
        }
        replace = TimeRange.merged(replace).flatMap { $0.subtracting(empty) }
        let skip = empty + replace

        if let summary, summary.barCount > 0, let first = summary.firstOpenTime, let last = summary.lastOpenTime {
            let storedEnd = interval.next(last)
            if !desired.isEmpty {
                if desired.start < first {
                    action(.backfill, TimeRange(start: desired.start, end: min(first, desired.end)).subtracting(skip))
                }
                if storedEnd < desired.end {
                    action(.extend, TimeRange(start: max(storedEnd, desired.start), end: desired.end).subtracting(skip))
                }
                let holes = (input.snapshot.gaps[key] ?? []).compactMap { $0.clamped(to: desired) }
                action(.repair, holes.flatMap { $0.subtracting(skip) })
            }
            action(.replace, replace)
            if input.manifest.prune {
                var outside: [TimeRange] = []
                if first < desired.start { outside.append(TimeRange(start: first, end: min(desired.start, storedEnd))) }
                if storedEnd > desired.end { outside.append(TimeRange(start: max(desired.end, first), end: storedEnd)) }
                if desired.isEmpty { outside = [TimeRange(start: first, end: storedEnd)] }
                action(.prune, outside)
            }
        } else if !desired.isEmpty {
            // Nothing stored: a force rule has nothing to replace, so the whole window is created.
            action(.create, desired.subtracting(empty))
        }
        if actions.isEmpty { actions.append(PlannedAction(kind: .noop, ranges: [], bars: 0, requests: 0, weight: 0)) }
        return SeriesPlan(
            symbol: key.symbol, interval: interval, dataset: key.dataset == .klines ? nil : key.dataset,
            desired: desired.isEmpty ? nil : desired,
            stored: summary.flatMap(stored), actions: actions, fingerprint: summary.map(fingerprint) ?? "none")
    }

    /// Where the exchange's bars are expected to begin when no listing floor is recorded yet: the instrument's
    /// `onboardDate` from exchangeInfo, when it is plausible (after 2009, not after the server time). Only estimates
    /// use it; the planned ranges stay whole, since `onboardDate` can be later than the first bar.
    static func estimatedListing(instrument: Instrument, summary: SeriesSummary?, serverTime: Int64) -> Int64? {
        guard summary?.listingFloor == nil, let onboard = instrument.onboardDate else { return nil }
        guard onboard >= 1_230_768_000_000, onboard <= serverTime else { return nil }
        return onboard
    }

    /// Requests and weight of fetching `range`, as the client does it: when the range starts a page or more before
    /// the estimated listing, its first page comes back empty and the next request finds the first bar, from which
    /// the rest is paged (a range with no bar at all costs those two requests).
    static func fetchCost(
        market: Market, interval: Interval, range: TimeRange, mode: Paging.Mode, estimatedListing: Int64?
    ) -> (requests: Int, weight: Int) {
        let whole = Paging.cost(market: market, interval: interval, range: range, mode: mode)
        let firstLimits = Paging.leadingLimits(
            bars: interval.count(from: range.start, to: range.end), market: market, interval: interval, mode: mode)
        guard let listing = estimatedListing, firstLimits.count > 1,
            interval.floor(listing) >= interval.advance(interval.ceil(range.start), by: Int64(firstLimits[0]))
        else { return whole }
        let lead = market.klineWeight(limit: firstLimits[0])
        let listed = TimeRange(start: min(interval.floor(listing), range.end), end: range.end)
        let cost = Paging.cost(market: market, interval: interval, range: listed, mode: mode)
        guard cost.requests == 0 else { return (cost.requests + 1, cost.weight + lead) }
        return (2, lead + market.klineWeight(limit: firstLimits[1]))
    }

    static func forceRange(_ range: Manifest.ForceRange, interval: Interval, desired: TimeRange) -> [TimeRange] {
        switch range {
        case .all:
            return [desired]
        case .last(let count):
            let start = max(desired.start, interval.advance(desired.end, by: -Int64(count)))
            return [TimeRange(start: start, end: desired.end)]
        case .between(let from, let to):
            return TimeRange(start: interval.ceil(from), end: interval.ceil(to)).clamped(to: desired).map { [$0] } ?? []
        }
    }

    static func stored(_ summary: SeriesSummary) -> SeriesPlan.StoredState? {
        guard let first = summary.firstOpenTime, let last = summary.lastOpenTime, summary.barCount > 0 else {
            return nil
        }
        return SeriesPlan.StoredState(first: first, last: last, bars: summary.barCount)
    }

    /// Identifies a stored state: changes whenever bars, the listing floor or confirmed-empty ranges change.
    public static func fingerprint(_ summary: SeriesSummary) -> String {
        let empty = summary.emptyRanges.map { "\($0.start)-\($0.end)" }.joined(separator: ",")
        return "n=\(summary.barCount);first=\(summary.firstOpenTime ?? -1);last=\(summary.lastOpenTime ?? -1)"
            + ";floor=\(summary.listingFloor ?? -1);empty=\(empty)"
    }

    static func totals(_ series: [SeriesPlan], budget: Int, concurrency: Int, archive: ArchivePlanning? = nil)
        -> PlanTotals
    {
        var counts: [String: Int] = [:]
        for kind in ActionKind.allCases { counts[kind.rawValue] = 0 }
        var requests = 0
        var weight = 0
        var fetch: Int64 = 0
        var delete: Int64 = 0
        var files = 0
        for plan in series {
            for kind in Set(plan.actions.map(\.kind)) { counts[kind.rawValue, default: 0] += 1 }
            for action in plan.actions {
                requests += action.requests
                weight += action.weight
                files += action.archiveFiles
                if action.kind == .prune { delete += action.bars } else { fetch += action.bars }
            }
        }
        // Archive downloads run beside the REST requests (other symbols, other series), so the longer of the two
        // is the estimate.
        let rest = estimateSeconds(requests: requests, weight: weight, budget: budget, concurrency: concurrency)
        return PlanTotals(
            series: counts, requests: requests, weight: weight, barsToFetch: fetch, barsToDelete: delete,
            estimatedSeconds: max(rest, archive?.seconds(files: files) ?? 0), archiveFiles: files > 0 ? files : nil)
    }

    /// Duration at the budget: the weight beyond the first minute's allowance paces the run; below that, latency
    /// (about 100 ms a request) divided by concurrency does.
    public static func estimateSeconds(requests: Int, weight: Int, budget: Int, concurrency: Int) -> Double {
        let latencyBound = Double(requests) * 0.1 / Double(max(1, concurrency))
        guard weight > budget else { return latencyBound }
        return max(latencyBound, Double(weight - budget) / Double(budget) * 60)
    }
}
