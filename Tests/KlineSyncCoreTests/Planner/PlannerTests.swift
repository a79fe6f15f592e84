import Testing

@testable import KlineSyncCore

/// Table-driven planner tests: (stored state, manifest) → expected actions.
struct PlannerTests {
    static let hour: Int64 = 3_600_000
    static func t(_ text: String) -> Int64 { Timestamp.parse(text)! }
    /// Server time used unless a test says otherwise: 2024-06-10 12:34:56 UTC.
    static let now = t("2024-06-10T12:34:56Z")
    static let h1 = Interval(name: "1h")!
    static let h4 = Interval(name: "4h")!

    static func manifest(_ intervals: String, extra: String = "", market: String = "usdm") -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: \(market) }
                database: sqlite:k.sqlite
                intervals:
                \(intervals)
                \(extra)
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    static func instrument(_ symbol: String, _ status: Instrument.Status = .trading, delivery: Int64? = nil)
        -> Instrument
    {
        Instrument(
            symbol: symbol, status: status, rawStatus: status == .trading ? "TRADING" : "SETTLING",
            contractType: "PERPETUAL", baseAsset: String(symbol.dropLast(4)), quoteAsset: "USDT",
            deliveryDate: delivery)
    }

    static func summary(
        _ symbol: String, _ interval: Interval, first: Int64, last: Int64, count: Int64? = nil, floor: Int64? = nil,
        empty: [TimeRange] = []
    ) -> SeriesSummary {
        let key = SeriesKey(market: .usdm, symbol: symbol, interval: interval)
        let full = interval.count(from: first, to: interval.next(last))
        return SeriesSummary(
            key: key, firstOpenTime: first, lastOpenTime: last, barCount: count ?? full, listingFloor: floor,
            emptyRanges: empty)
    }

    static func plan(
        _ manifest: Manifest, instruments: [Instrument] = [instrument("BTCUSDT")], stored: [SeriesSummary] = [],
        gaps: [SeriesKey: [TimeRange]] = [:], now: Int64 = now, force: [ForceSelector] = []
    ) -> Plan {
        let snapshot = StoreSnapshot(
            lineageID: "L", summaries: Dictionary(uniqueKeysWithValues: stored.map { ($0.key, $0) }), gaps: gaps)
        return Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: ExchangeInfo(instruments: instruments, weightLimitPerMinute: 2400),
                serverTime: now, snapshot: snapshot, force: force))
    }

    func only(_ plan: Plan, _ symbol: String = "BTCUSDT", _ interval: Interval = h1) throws -> SeriesPlan {
        try #require(plan.series.first { $0.symbol == symbol && $0.interval == interval })
    }

    // The last closed 1h bar at 12:34:56 opened at 11:00; the window ends (exclusive) at 12:00.
    let end = t("2024-06-10T12:00:00Z")

    @Test func plansCreateOnEmptyDatabase() throws {
        let p = Self.plan(Self.manifest("  1h: { bars: 2000 }"))
        let s = try only(p)
        #expect(s.actions.map(\.kind) == [.create])
        #expect(s.actions[0].ranges == [TimeRange(start: end - 2000 * Self.hour, end: end)])
        #expect(s.actions[0].bars == 2000)
        // Weight 10 fits the budget (1200): two 1000-bar pages rather than five weight-minimising ones.
        #expect(s.actions[0].requests == 2 && s.actions[0].weight == 10)
        #expect(p.totals.count(.create) == 1 && p.hasChanges)
        #expect(
            p.summaryLine
                == "Plan: 1 to create, 0 to extend, 0 to repair, 0 to replace, 0 to prune — 2 requests, weight 10, about 1s."
        )
    }

    @Test func plansExtendForNewlyClosedBars() throws {
        let stored = Self.summary("BTCUSDT", Self.h1, first: end - 2000 * Self.hour, last: end - 4 * Self.hour)
        let s = try only(Self.plan(Self.manifest("  1h: { bars: 2000 }"), stored: [stored]))
        #expect(s.actions.map(\.kind) == [.extend])
        #expect(s.actions[0].ranges == [TimeRange(start: end - 3 * Self.hour, end: end)])
        #expect(s.actions[0].bars == 3 && s.actions[0].weight == 1)
    }

    @Test func plansBackfillWhenWindowReachesFurtherBack() throws {
        let since = Self.t("2024-06-01")
        let stored = Self.summary("BTCUSDT", Self.h1, first: Self.t("2024-06-05"), last: end - Self.hour)
        let s = try only(Self.plan(Self.manifest("  1h: { since: 2024-06-01 }"), stored: [stored]))
        #expect(s.actions.map(\.kind) == [.backfill])
        #expect(s.actions[0].ranges == [TimeRange(start: since, end: Self.t("2024-06-05"))])
        #expect(s.actions[0].bars == 96)
    }

    @Test func plansRepairForInteriorGap() throws {
        let first = end - 100 * Self.hour
        let stored = Self.summary("BTCUSDT", Self.h1, first: first, last: end - Self.hour, count: 95)
        let gap = TimeRange(start: first + 10 * Self.hour, end: first + 15 * Self.hour)
        let s = try only(Self.plan(Self.manifest("  1h: { bars: 100 }"), stored: [stored], gaps: [stored.key: [gap]]))
        #expect(s.actions.map(\.kind) == [.repair])
        #expect(s.actions[0].ranges == [gap] && s.actions[0].bars == 5)
    }

    @Test func confirmedEmptyOutageIsNotPlannedAgain() throws {
        let first = end - 100 * Self.hour
        let gap = TimeRange(start: first + 10 * Self.hour, end: first + 15 * Self.hour)
        let stored = Self.summary("BTCUSDT", Self.h1, first: first, last: end - Self.hour, count: 95, empty: [gap])
        let p = Self.plan(Self.manifest("  1h: { bars: 100 }"), stored: [stored], gaps: [stored.key: [gap]])
        #expect(try only(p).actions.map(\.kind) == [.noop])
        #expect(!p.hasChanges)
    }

    @Test func newlyListedSymbolConvergesAtListingFloor() throws {
        // Listed 50 hours ago; the manifest asks for 2000 bars. After the first sync the floor is known.
        let listed = end - 50 * Self.hour
        let stored = Self.summary("BTCUSDT", Self.h1, first: listed, last: end - Self.hour, floor: listed)
        let p = Self.plan(Self.manifest("  1h: { bars: 2000 }"), stored: [stored])
        #expect(try only(p).actions.map(\.kind) == [.noop])
        #expect(try only(p).desired == TimeRange(start: listed, end: end))
    }

    @Test func delistedSymbolRetiresUnderTradingFilterAndConvergesUnderAll() throws {
        let gone = Self.instrument("BTCUSDT", .delisted, delivery: Self.t("2024-06-01"))
        let stored = Self.summary("BTCUSDT", Self.h1, first: Self.t("2024-05-01"), last: Self.t("2024-05-31T23:00:00Z"))
        let retired = Self.plan(Self.manifest("  1h: { since: 2024-05-01 }"), instruments: [gone], stored: [stored])
        #expect(try only(retired).actions.map(\.kind) == [.retire])
        #expect(!retired.hasChanges && retired.totals.count(.retire) == 1)
        let all = Self.plan(
            Self.manifest("  1h: { since: 2024-05-01 }", extra: "symbols: { status: all }"), instruments: [gone],
            stored: [stored], now: Self.t("2024-09-01"))
        #expect(try only(all).actions.map(\.kind) == [.noop])
    }

    @Test func delistedWithoutDeliveryDateStopsAtConfirmedEmptyEnd() throws {
        let gone = Self.instrument("BTCUSDT", .delisted)
        let emptyTail = TimeRange(start: Self.t("2024-06-01"), end: Self.t("2024-06-05"))
        let stored = Self.summary(
            "BTCUSDT", Self.h1, first: Self.t("2024-05-01"), last: Self.t("2024-05-31T23:00:00Z"), empty: [emptyTail])
        let p = Self.plan(
            Self.manifest("  1h: { since: 2024-05-01 }", extra: "symbols: { status: all }"), instruments: [gone],
            stored: [stored])
        #expect(try only(p).actions.map(\.kind) == [.noop])
    }

    @Test(arguments: [
        ("all", Int64(100)), ("{ last: 3 }", Int64(3)),
        ("{ from: 2024-06-10T00:00:00Z, to: 2024-06-10T06:00:00Z }", Int64(6)),
    ])
    func forceRuleReplacesSelectedRange(range: String, bars: Int64) throws {
        let stored = Self.summary("BTCUSDT", Self.h1, first: end - 100 * Self.hour, last: end - Self.hour)
        let m = Self.manifest("  1h: { bars: 100 }", extra: "force:\n  - { symbols: [BTCUSDT], range: \(range) }")
        let s = try only(Self.plan(m, stored: [stored]))
        #expect(s.actions.map(\.kind) == [.replace])
        #expect(s.actions[0].bars == bars)
    }

    @Test func forceLastCoversNewBarsWithoutDoubleFetching() throws {
        let stored = Self.summary("BTCUSDT", Self.h1, first: end - 100 * Self.hour, last: end - 2 * Self.hour)
        let m = Self.manifest("  1h: { bars: 100 }", extra: "force:\n  - { symbols: [BTCUSDT], range: { last: 3 } }")
        let s = try only(Self.plan(m, stored: [stored]))
        #expect(s.actions.map(\.kind) == [.replace])
        #expect(s.actions[0].ranges == [TimeRange(start: end - 3 * Self.hour, end: end)])
    }

    @Test func commandLineForceSelectsSymbolAndInterval() throws {
        let stored = [
            Self.summary("BTCUSDT", Self.h1, first: end - 10 * Self.hour, last: end - Self.hour),
            Self.summary("BTCUSDT", Self.h4, first: end - 40 * Self.hour, last: end - 4 * Self.hour),
        ]
        let m = Self.manifest("  1h: { bars: 10 }\n  4h: { bars: 10 }")
        let p = Self.plan(m, stored: stored, force: [ForceSelector(parsing: "BTC*:4h")!])
        #expect(try only(p, "BTCUSDT", Self.h1).actions.map(\.kind) == [.noop])
        #expect(try only(p, "BTCUSDT", Self.h4).actions.map(\.kind) == [.replace])
        #expect(ForceSelector(parsing: "BTCUSDT:7m") == nil)
        #expect(ForceSelector(parsing: "btc") == nil)
    }

    @Test func prunesOnlyWhenAsked() throws {
        let stored = Self.summary("BTCUSDT", Self.h1, first: end - 200 * Self.hour, last: end - Self.hour)
        let kept = Self.plan(Self.manifest("  1h: { bars: 100 }"), stored: [stored])
        #expect(try only(kept).actions.map(\.kind) == [.noop])
        let pruned = try only(Self.plan(Self.manifest("  1h: { bars: 100 }", extra: "prune: true"), stored: [stored]))
        #expect(pruned.actions.map(\.kind) == [.prune])
        #expect(pruned.actions[0].ranges == [TimeRange(start: end - 200 * Self.hour, end: end - 100 * Self.hour)])
        #expect(pruned.actions[0].bars == 100 && pruned.actions[0].requests == 0)
    }

    @Test func weeklyBarsAlignToMondays() throws {
        let w1 = Interval(name: "1w")!
        // 2024-06-10 is a Monday: the week that opened 2024-06-03 closed at 2024-06-09T23:59:59.999.
        let s = try only(Self.plan(Self.manifest("  1w: { since: 2024-05-01 }")), "BTCUSDT", w1)
        #expect(s.actions[0].ranges == [TimeRange(start: Self.t("2024-05-06"), end: Self.t("2024-06-10"))])
        #expect(s.actions[0].bars == 5)
    }

    @Test func monthlyBarsAreCalendarMonths() throws {
        let mo = Interval(name: "1M")!
        let s = try only(Self.plan(Self.manifest("  1M: { bars: 13 }")), "BTCUSDT", mo)
        #expect(s.actions[0].ranges == [TimeRange(start: Self.t("2023-05-01"), end: Self.t("2024-06-01"))])
        #expect(s.actions[0].bars == 13 && s.actions[0].weight == 1)
    }

    @Test func horizonExactlyOnCloseBoundary() throws {
        // At exactly 12:00:00.000 the 11:00 bar closed at 11:59:59.999 (< now), the 12:00 bar just opened.
        let at = Self.t("2024-06-10T12:00:00Z")
        let s = try only(Self.plan(Self.manifest("  1h: { bars: 1 }"), now: at))
        #expect(s.actions[0].ranges == [TimeRange(start: at - Self.hour, end: at)])
        let before = try only(Self.plan(Self.manifest("  1h: { bars: 1 }"), now: at - 1))
        #expect(before.actions[0].ranges == [TimeRange(start: at - 2 * Self.hour, end: at - Self.hour)])
    }

    @Test func fixedWindowInThePastIsNoopForeverAfterFirstSync() throws {
        let m = Self.manifest("  1h: { since: 2024-01-01, until: 2024-02-01 }")
        let stored = Self.summary("BTCUSDT", Self.h1, first: Self.t("2024-01-01"), last: Self.t("2024-01-31T23:00:00Z"))
        for now in [Self.now, Self.t("2025-03-01"), Self.t("2030-01-01")] {
            let p = Self.plan(m, stored: [stored], now: now)
            #expect(try only(p).actions.map(\.kind) == [.noop])
            #expect(!p.hasChanges)
        }
    }

    @Test func seriesOfDroppedIntervalIsRetiredNotDeleted() throws {
        let stored = Self.summary("BTCUSDT", Self.h4, first: end - 40 * Self.hour, last: end - 4 * Self.hour)
        let p = Self.plan(Self.manifest("  1h: { bars: 10 }"), stored: [stored])
        #expect(try only(p, "BTCUSDT", Self.h4).actions.map(\.kind) == [.retire])
        #expect(p.totals.count(.retire) == 1)
    }

    @Test func universeFiltersAndEstimates() throws {
        let instruments =
            (1...600).map { Self.instrument(String(format: "S%03dUSDT", $0)) } + [Self.instrument("XDOWNUSDT")]
        let m = Self.manifest(
            "  4h: { bars: 2000 }",
            extra: "symbols: { include: [\"*USDT\"], exclude: [\"*DOWNUSDT\"] }\npacing: { weight_per_minute: 1200 }")
        let p = Self.plan(m, instruments: instruments)
        #expect(p.series.count == 600)
        #expect(p.totals.requests == 3000 && p.totals.weight == 5400)
        #expect(p.weightBudget == 1200)
        // 5400 weight at 1200/min: the first 1200 go at once, the remaining 4200 take 3.5 minutes.
        #expect(p.totals.estimatedSeconds == 210)
        #expect(p.summaryLine.hasSuffix("— 3000 requests, weight 5400, about 3m30s."))
    }

    /// Pages are sized for the fewest requests only when the whole plan fits one minute of budget.
    @Test func pagingFollowsWhetherTheBudgetBinds() throws {
        let instruments = (1...10).map { Self.instrument(String(format: "S%03dUSDT", $0)) }
        let m = Self.manifest("  4h: { bars: 2000 }", extra: "pacing: { weight_per_minute: 2400 }")
        // 10 × 2 pages of 1000 bars = 100 weight: fits; 20 requests instead of 50.
        let small = Self.plan(m, instruments: instruments)
        #expect(small.paging == .fewestRequests)
        #expect(small.totals.requests == 20 && small.totals.weight == 100)
        // 500 symbols: 5000 weight with 1000-bar pages would not fit 2400, so pages minimise weight (4500).
        let many = (1...500).map { Self.instrument(String(format: "S%03dUSDT", $0)) }
        let large = Self.plan(m, instruments: many)
        #expect(large.paging == .leastWeight)
        #expect(large.totals.requests == 2500 && large.totals.weight == 4500)
        // Small plans where both agree keep least weight.
        let one = Self.plan(Self.manifest("  1h: { bars: 10 }"))
        #expect(one.paging == .leastWeight)
    }

    @Test func budgetNeverExceedsAdvertisedLimit() {
        let m = Self.manifest("  1h: { bars: 1 }", extra: "pacing: { weight_per_minute: 5000 }")
        #expect(Planner.budget(m, ExchangeInfo(instruments: [], weightLimitPerMinute: 2400)) == 2400)
        #expect(
            Planner.budget(
                Self.manifest("  1h: { bars: 1 }"), ExchangeInfo(instruments: [], weightLimitPerMinute: 2400)) == 1200)
    }

    // MARK: - Estimates before the listing is known

    static func listed(_ symbol: String, onboard: Int64?) -> Instrument {
        var instrument = instrument(symbol)
        instrument.onboardDate = onboard
        return instrument
    }

    @Test func estimatesFromTheOnboardDateWhenNoListingFloorIsRecorded() throws {
        // 1m since 2022-10-01 for a symbol onboarded 2024-04-08: 890,000 window bars, 91,000 listed ones.
        let manifest = Self.manifest("  1m: { since: 2022-10-01 }")
        let m1 = Interval(name: "1m")!
        let onboard = Self.t("2024-04-08T00:00:00Z")
        let plan = Self.plan(manifest, instruments: [Self.listed("NEWUSDT", onboard: onboard)])
        let series = try only(plan, "NEWUSDT", m1)
        let create = try #require(series.actions.first)
        // The ranges stay whole (the first bar may be before onboardDate); the cost is that of the listed part plus
        // the first page, which comes back empty.
        #expect(create.kind == .create && create.ranges == [series.desired!])
        let mode = plan.paging ?? .leastWeight
        let listed = Paging.cost(
            market: .usdm, interval: m1, range: TimeRange(start: onboard, end: series.desired!.end), mode: mode)
        let lead = try #require(Paging.pages(market: .usdm, interval: m1, range: series.desired!, mode: mode).first)
        #expect(create.requests == listed.requests + 1 && create.weight == listed.weight + lead.weight)
        let whole = Paging.cost(market: .usdm, interval: m1, range: series.desired!, mode: mode)
        #expect(whole.requests > 8 * create.requests)
    }

    @Test func promisesOnlyTheBarsFromTheOnboardDate() throws {
        // 1h, the latest 500 bars, for a symbol onboarded 19 hours ago: 19 bars expected, not 500.
        let manifest = Self.manifest("  1h: { bars: 500 }")
        let onboard = Self.h1.floor(Self.now) - 19 * Self.hour
        let plan = Self.plan(manifest, instruments: [Self.listed("NEWUSDT", onboard: onboard)])
        let create = try #require(try only(plan, "NEWUSDT", Self.h1).actions.first)
        #expect(create.kind == .create && create.bars == 19)
        #expect(plan.totals.barsToFetch == 19)
        #expect(plan.summaryLine.contains("1 to create"))
    }

    @Test func ignoresAnImplausibleOnboardDateAndARecordedFloor() throws {
        let manifest = Self.manifest("  1h: { since: 2023-01-01 }")
        let desired = TimeRange(start: Self.t("2023-01-01T00:00:00Z"), end: Self.h1.floor(Self.now))
        for onboard in [nil, Int64(0), Self.now + 86_400_000] {
            let plan = Self.plan(manifest, instruments: [Self.listed("BTCUSDT", onboard: onboard)])
            let whole = Paging.cost(market: .usdm, interval: Self.h1, range: desired, mode: plan.paging ?? .leastWeight)
            let create = try #require(try only(plan).actions.first)
            #expect(
                create.requests == whole.requests && create.weight == whole.weight,
                "onboard \(String(describing: onboard))")
        }
        // With a floor recorded the window is clipped to it and onboardDate plays no part.
        let floor = Self.t("2023-06-01T00:00:00Z")
        let stored = Self.summary("BTCUSDT", Self.h1, first: floor, last: floor + 10 * Self.hour, floor: floor)
        let plan = Self.plan(
            manifest, instruments: [Self.listed("BTCUSDT", onboard: Self.t("2024-01-01T00:00:00Z"))], stored: [stored])
        let extend = try #require(try only(plan).actions.first { $0.kind == .extend })
        let range = try #require(extend.ranges.first)
        let mode = plan.paging ?? .leastWeight
        #expect(extend.requests == Paging.cost(market: .usdm, interval: Self.h1, range: range, mode: mode).requests)
    }

    @Test func aWindowWhollyBeforeTheOnboardDateIsEstimatedAtTwoRequests() throws {
        // The first page, empty, and the probe of the rest of the range that finds nothing.
        let manifest = Self.manifest(
            "  1h: { since: 2023-01-01, until: 2023-06-01 }", extra: "pacing: { weight_per_minute: 5 }")
        let plan = Self.plan(manifest, instruments: [Self.listed("NEWUSDT", onboard: Self.t("2024-01-01T00:00:00Z"))])
        let create = try #require(try only(plan, "NEWUSDT").actions.first)
        #expect(plan.paging == .leastWeight)
        #expect(create.kind == .create && create.requests == 2 && create.weight == 4)
    }
}
