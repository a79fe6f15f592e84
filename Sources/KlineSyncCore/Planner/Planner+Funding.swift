extension Planner {
    /// Funding events one request returns at most (`GET …/fundingRate`, `limit` 1000).
    static let fundingPageEvents: Int64 = 1000
    /// How long after a funding time its event is taken as settled and published (Binance's funding times are
    /// on the hour, sometimes a few milliseconds late).
    static let fundingSettleMillis: Int64 = 60_000
    static let hourMillis: Int64 = 3_600_000

    /// The funding plans of a futures manifest: one per perpetual of the universe when the manifest has `funding`,
    /// then a retire for every stored funding history that is no longer wanted. Nil when there is neither.
    static func planFunding(_ input: Input, universe: [Instrument]) -> [FundingPlan]? {
        let manifest = input.manifest
        var plans: [FundingPlan] = []
        if let rule = manifest.funding, manifest.source.market.isFutures {
            for instrument in universe where instrument.paysFunding {
                plans.append(planFunding(instrument, rule: rule, input: input))
            }
        }
        let planned = Set(plans.map(\.symbol))
        for (symbol, summary) in input.snapshot.funding.sorted(by: { $0.key < $1.key })
        where !planned.contains(symbol) && summary.count > 0 {
            plans.append(
                FundingPlan(
                    symbol: symbol, desired: nil, stored: stored(summary),
                    actions: [PlannedAction(kind: .retire, ranges: [], bars: 0, requests: 0, weight: 0)],
                    fingerprint: fingerprint(summary)))
        }
        return plans.isEmpty ? nil : plans
    }

    /// The wanted funding times of a perpetual: up to the last whole hour settled a minute ago (so the plan
    /// changes once an hour, not with every second of the clock), capped by `until`, the delivery or delisting,
    /// and from the rule's start, never before the listing (`onboardDate`).
    static func fundingWindow(
        _ rule: Manifest.FundingRule, instrument: Instrument, summary: FundingSummary?, serverTime: Int64
    ) -> TimeRange {
        let settled = serverTime - fundingSettleMillis
        var end = settled - ((settled % hourMillis) + hourMillis) % hourMillis + fundingSettleMillis
        if let until = rule.until { end = min(end, until) }
        if instrument.status != .trading {
            if let delivery = instrument.deliveryDate, delivery < serverTime { end = min(end, delivery + 1) }
            // A delisted symbol pays no more funding: what is checked is all there will be.
            if instrument.status == .delisted, let checked = summary?.checked { end = min(end, checked.end) }
        }
        var start: Int64
        switch rule.window {
        case .since(let time): start = time
        case .lookback(let span): start = end - span
        case .bars(let count): start = end - Int64(count) * Manifest.FundingRule.longestIntervalMillis
        }
        if let onboard = instrument.onboardDate, onboard >= 1_230_768_000_000, onboard <= serverTime {
            start = max(start, onboard)
        }
        return TimeRange(start: start, end: max(start, end))
    }

    static func planFunding(_ instrument: Instrument, rule: Manifest.FundingRule, input: Input) -> FundingPlan {
        let summary = input.snapshot.funding[instrument.symbol]
        let desired = fundingWindow(rule, instrument: instrument, summary: summary, serverTime: input.serverTime)
        var actions: [PlannedAction] = []
        func action(_ kind: ActionKind, _ range: TimeRange) {
            guard !range.isEmpty else { return }
            let events = max(1, (range.end - range.start) / Manifest.FundingRule.longestIntervalMillis)
            let requests = Int((events + fundingPageEvents - 1) / fundingPageEvents)
            actions.append(PlannedAction(kind: kind, ranges: [range], bars: events, requests: requests, weight: 0))
        }
        if !desired.isEmpty {
            if let checked = summary?.checked {
                if desired.start < checked.start {
                    action(.backfill, TimeRange(start: desired.start, end: min(checked.start, desired.end)))
                }
                if desired.end > checked.end {
                    action(.extend, TimeRange(start: max(checked.end, desired.start), end: desired.end))
                }
            } else {
                action(.create, desired)
            }
        }
        if actions.isEmpty { actions.append(PlannedAction(kind: .noop, ranges: [], bars: 0, requests: 0, weight: 0)) }
        return FundingPlan(
            symbol: instrument.symbol, desired: desired.isEmpty ? nil : desired, stored: summary.flatMap(stored),
            actions: actions, fingerprint: summary.map(fingerprint) ?? "none")
    }

    static func stored(_ summary: FundingSummary) -> FundingPlan.StoredState? {
        guard summary.count > 0 || summary.checked != nil else { return nil }
        return FundingPlan.StoredState(
            events: summary.count, first: summary.firstFundingTime, last: summary.lastFundingTime,
            checked: summary.checked)
    }

    /// Identifies a stored funding state: changes whenever events or the checked range change.
    public static func fingerprint(_ summary: FundingSummary) -> String {
        "n=\(summary.count);first=\(summary.firstFundingTime ?? -1);last=\(summary.lastFundingTime ?? -1)"
            + ";checked=\(summary.checked.map { "\($0.start)-\($0.end)" } ?? "none")"
    }

    /// Per-kind symbol counts, requests and expected events of the funding plans; nil without any.
    static func fundingTotals(_ plans: [FundingPlan]?) -> PlanTotals.FundingTotals? {
        guard let plans else { return nil }
        var counts: [String: Int] = [:]
        for kind in ActionKind.allCases { counts[kind.rawValue] = 0 }
        var requests = 0
        var events: Int64 = 0
        for plan in plans {
            for kind in Set(plan.actions.map(\.kind)) { counts[kind.rawValue, default: 0] += 1 }
            for action in plan.actions where action.kind.fetches {
                requests += action.requests
                events += action.bars
            }
        }
        return PlanTotals.FundingTotals(symbols: counts, requests: requests, events: events)
    }

    /// Seconds the funding requests take under their own limit (500 per 5 minutes; klinesync uses 80 a minute),
    /// at about 100 ms a request.
    static func fundingSeconds(_ totals: PlanTotals.FundingTotals?, concurrency: Int) -> Double {
        guard let requests = totals?.requests, requests > 0 else { return 0 }
        let latency = Double(requests) * 0.1 / Double(max(1, concurrency))
        let perMinute = 80
        guard requests > perMinute else { return latency }
        return max(latency, Double(requests - perMinute) / Double(perMinute) * 60)
    }
}

extension Instrument {
    /// Whether the contract pays funding: perpetuals (delivery contracts have none).
    public var paysFunding: Bool { contractType?.hasSuffix("PERPETUAL") ?? false }
}
