/// Turns (manifest, instruments, server time, stored state) into a `Plan`. A pure function: no I/O, no clock.
public enum Planner {
    /// Everything the planner reads.
    public struct Input: Sendable {
        public var manifest: Manifest
        public var exchangeInfo: ExchangeInfo
        public var serverTime: Int64
        public var snapshot: StoreSnapshot
        public var database: String
        public var force: [ForceSelector]
        /// How archive files may be used; nil plans REST only (`archive: off`, or no archive wired).
        public var archive: ArchivePlanning?

        public init(
            manifest: Manifest, exchangeInfo: ExchangeInfo, serverTime: Int64, snapshot: StoreSnapshot,
            database: String? = nil, force: [ForceSelector] = [], archive: ArchivePlanning? = nil
        ) {
            self.manifest = manifest
            self.exchangeInfo = exchangeInfo
            self.serverTime = serverTime
            self.snapshot = snapshot
            self.database = database ?? manifest.database.description
            self.force = force
            self.archive = archive
        }
    }

    /// The instruments of the universe the manifest selects, sorted by symbol.
    public static func universe(_ manifest: Manifest, _ info: ExchangeInfo) -> [Instrument] {
        info.instruments.filter { manifest.symbols.matches($0) && Instrument.isValidSymbol($0.symbol) }
            .sorted { $0.symbol < $1.symbol }
    }

    /// Whose series a plan holds: every instrument of the universe for each dataset, in order by symbol then dataset,
    /// except that index prices belong to a pair and are planned once per pair, under the pair's name (its perpetual
    /// stands for it when the universe has one, else its first contract).
    static func seriesOwners(_ universe: [Instrument], datasets: [Dataset])
        -> [(symbol: String, dataset: Dataset, instrument: Instrument)]
    {
        var owners: [(symbol: String, dataset: Dataset, instrument: Instrument)] = []
        var pairs: [String: Int] = [:]
        for instrument in universe {
            for dataset in datasets {
                let name = instrument.seriesSymbol(dataset)
                guard dataset.keyedByPair else {
                    owners.append((name, dataset, instrument))
                    continue
                }
                if let index = pairs[name] {
                    if instrument.contractType == "PERPETUAL" && owners[index].instrument.contractType != "PERPETUAL" {
                        owners[index].instrument = instrument
                    }
                } else {
                    pairs[name] = owners.count
                    owners.append((name, dataset, instrument))
                }
            }
        }
        return owners.sorted { ($0.symbol, $0.dataset) < ($1.symbol, $1.dataset) }
    }

    /// The weight-per-minute budget: the manifest's, else half the advertised limit; never above the advertised one.
    public static func budget(_ manifest: Manifest, _ info: ExchangeInfo) -> Int {
        let advertised = info.weightLimitPerMinute ?? manifest.source.market.documentedWeightLimit
        return max(1, min(manifest.pacing.weightPerMinute ?? advertised / 2, advertised))
    }

    /// Makes the plan.
    public static func plan(_ input: Input) -> Plan {
        let manifest = input.manifest
        let market = manifest.source.market
        let budget = budget(manifest, input.exchangeInfo)
        let universe = universe(manifest, input.exchangeInfo)
        var choice: ArchiveChoice?
        let owners = seriesOwners(universe, datasets: manifest.datasets)
        func planAll(_ paging: Paging.Mode) -> [SeriesPlan] {
            owners.flatMap { owner in
                manifest.intervals.map { rule in
                    planSeries(
                        key: SeriesKey(
                            market: market, symbol: owner.symbol, interval: rule.interval, dataset: owner.dataset),
                        rule: rule, instrument: owner.instrument, input: input, paging: paging, archive: choice)
                }
            }
        }
        var series = planAll(.leastWeight)
        if let archive = input.archive {
            // A plan whose REST weight needs more than a minute of budget is paced by weight, which files do not use.
            let weight = series.reduce(0) { $0 + $1.weight }
            choice = ArchiveChoice(
                planning: archive, weightBound: weight > budget, budget: budget,
                concurrency: manifest.pacing.concurrency)
            series = planAll(.leastWeight)
        }
        // A run whose whole weight fits one minute of budget is not limited by weight but by round trips: then
        // pages are sized for the fewest requests.
        var paging = Paging.Mode.leastWeight
        var fewest = (requests: 0, weight: 0)
        let instruments = Dictionary(
            owners.map { ("\($0.symbol) \($0.dataset)", $0.instrument) }, uniquingKeysWith: { first, _ in first })
        for plan in series {
            let listing = instruments["\(plan.symbol) \(plan.seriesDataset)"].flatMap {
                estimatedListing(
                    instrument: $0, summary: input.snapshot.summaries[plan.key(market: market)],
                    serverTime: input.serverTime)
            }
            for action in plan.actions where action.kind.fetches {
                for range in action.restRanges {
                    let cost = fetchCost(
                        market: market, interval: plan.interval, range: range, mode: .fewestRequests,
                        estimatedListing: listing)
                    fewest.requests += cost.requests
                    fewest.weight += cost.weight
                }
            }
        }
        if fewest.weight <= budget && fewest.requests < series.reduce(0, { $0 + $1.requests }) {
            paging = .fewestRequests
            series = planAll(.fewestRequests)
        }
        let planned = Set(series.map { $0.key(market: market) })
        for (key, summary) in input.snapshot.summaries.sorted(by: { $0.key < $1.key })
        where !planned.contains(key) && summary.barCount > 0 {
            series.append(
                SeriesPlan(
                    symbol: key.symbol, interval: key.interval, dataset: key.dataset == .klines ? nil : key.dataset,
                    desired: nil, stored: stored(summary),
                    actions: [PlannedAction(kind: .retire, ranges: [], bars: 0, requests: 0, weight: 0)],
                    fingerprint: fingerprint(summary)))
        }
        let funding = planFunding(input, universe: universe)
        var totals = totals(series, budget: budget, concurrency: manifest.pacing.concurrency, archive: input.archive)
        totals.funding = fundingTotals(funding)
        // Funding requests have their own limit and run beside the klines: the longer of the two is the estimate.
        totals.estimatedSeconds = max(
            totals.estimatedSeconds,
            fundingSeconds(totals.funding, concurrency: min(2, manifest.pacing.concurrency)))
        return Plan(
            manifestPath: manifest.path, manifestDigest: manifest.digest, exchange: Market.exchangeName,
            market: market, database: input.database, lineageId: input.snapshot.lineageID,
            serverTime: input.serverTime, weightBudget: budget, concurrency: manifest.pacing.concurrency,
            paging: paging, series: series, funding: funding, totals: totals)
    }

    /// The desired window `[start, end)` of a series, before clipping to what is known to exist.
    static func window(rule: Manifest.IntervalRule, instrument: Instrument, summary: SeriesSummary?, serverTime: Int64)
        -> TimeRange
    {
        let interval = rule.interval
        var end = interval.floor(serverTime)
        if let until = rule.until { end = min(end, interval.ceil(until)) }
        if instrument.status != .trading {
            if let delivery = instrument.deliveryDate, delivery < serverTime { end = min(end, interval.ceil(delivery)) }
            // A delisted symbol has no new bars: what is stored or confirmed empty is all there will be.
            if instrument.status == .delisted, let summary, let covered = coveredEnd(summary) {
                end = min(end, covered)
            }
        }
        var start: Int64
        switch rule.window {
        case .bars(let count): start = interval.advance(end, by: -Int64(count))
        case .since(let time): start = interval.ceil(time)
        case .lookback(let span): start = interval.ceil(end - span)
        }
        if let floor = summary?.listingFloor { start = max(start, floor) }
        return TimeRange(start: start, end: max(start, end))
    }

    static func coveredEnd(_ summary: SeriesSummary) -> Int64? {
        var ends = summary.emptyRanges.map(\.end)
        if let last = summary.lastOpenTime { ends.append(summary.key.interval.next(last)) }
        return ends.max()
    }
}
