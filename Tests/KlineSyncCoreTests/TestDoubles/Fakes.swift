import Synchronization

@testable import KlineSyncCore

/// A store in memory with the same write semantics as the real ones, for executor logic tests.
final class InMemoryStore: Store {
    struct SeriesData {
        var bars: [Int64: Bar] = [:]
        var floor: Int64?
        var empty: [TimeRange] = []
    }

    let state = Mutex<[SeriesKey: SeriesData]>([:])
    /// Funding events by market and symbol, by funding time.
    let funding = Mutex<[String: [Int64: FundingRate]]>([:])
    /// Checked funding ranges by market and symbol.
    let fundingChecked = Mutex<[String: TimeRange]>([:])
    let displayName = "memory"

    func lineageID() async throws -> String { "memory-lineage" }

    func summaries(market: Market) async throws -> [SeriesSummary] {
        state.withLock { all in
            all.filter { $0.key.market == market }.map { key, data in
                SeriesSummary(
                    key: key, firstOpenTime: data.bars.keys.min(), lastOpenTime: data.bars.keys.max(),
                    barCount: Int64(data.bars.count), listingFloor: data.floor, emptyRanges: data.empty)
            }
        }
    }

    func gaps(of key: SeriesKey) async throws -> [TimeRange] {
        let times = state.withLock { $0[key]?.bars.keys.sorted() ?? [] }
        var gaps: [TimeRange] = []
        for (a, b) in zip(times, times.dropFirst()) where key.interval.next(a) < b {
            gaps.append(TimeRange(start: key.interval.next(a), end: b))
        }
        return gaps
    }

    func bars(of key: SeriesKey, in range: TimeRange?) async throws -> [Bar] {
        state.withLock { all in
            (all[key]?.bars.values.filter { range?.contains($0.openTime) ?? true } ?? []).sorted {
                $0.openTime < $1.openTime
            }
        }
    }

    func forEachBatch(of key: SeriesKey, _ body: @Sendable ([Bar]) throws -> Void) async throws {
        try body(try await bars(of: key, in: nil))
    }

    func instruments(market: Market) async throws -> [Instrument] { [] }

    /// Summaries are computed from the bars here, so nothing ever drifts.
    func recount(market: Market, repair: Bool) async throws -> [SeriesRecount] {
        try await summaries(market: market).map { summary in
            let coverage = SeriesRecount.Coverage(
                bars: summary.barCount, first: summary.firstOpenTime, last: summary.lastOpenTime)
            return SeriesRecount(key: summary.key, maintained: coverage, counted: coverage)
        }.sorted { $0.key < $1.key }
    }

    func fundingSummaries(market: Market) async throws -> [FundingSummary] {
        funding.withLock { all in
            all.compactMap { name, events -> FundingSummary? in
                let parts = name.split(separator: " ")
                guard parts[0] == market.rawValue else { return nil }
                return FundingSummary(
                    market: market, symbol: String(parts[1]), count: Int64(events.count),
                    firstFundingTime: events.keys.min(), lastFundingTime: events.keys.max(),
                    checked: fundingChecked.withLock { $0[name] })
            }.sorted { $0.symbol < $1.symbol }
        }
    }

    func fundingRates(market: Market, symbol: String, in range: TimeRange?) async throws -> [FundingRate] {
        funding.withLock { all in
            (all["\(market.rawValue) \(symbol)"]?.values.filter { range?.contains($0.fundingTime) ?? true } ?? [])
                .sorted { $0.fundingTime < $1.fundingTime }
        }
    }

    /// Applies the funding write of `batch` to `all` and counts what changed.
    private static func applyFunding(
        _ write: FundingWrite, of batch: SymbolWrite, to all: inout [String: [Int64: FundingRate]]
    )
        -> WriteCounts
    {
        let name = "\(batch.market.rawValue) \(batch.symbol)"
        var events = all[name] ?? [:]
        var counts = WriteCounts()
        for range in write.deleteRanges {
            for time in events.keys where range.contains(time) {
                events[time] = nil
                counts.deleted += 1
            }
        }
        for rate in write.rates {
            if let old = events[rate.fundingTime] {
                if old == rate { counts.unchanged += 1 } else { counts.updated += 1 }
            } else {
                counts.inserted += 1
            }
            events[rate.fundingTime] = rate
        }
        all[name] = events
        return counts
    }

    func write(_ batch: SymbolWrite) async throws -> [WriteCounts] {
        if let problem = batch.funding?.firstMalformedDecimal { throw WriteRefusal(reason: problem) }
        let seriesCounts = try state.withLock { all in
            var results: [WriteCounts] = []
            for write in batch.series {
                var data = all[write.key] ?? SeriesData()
                var counts = WriteCounts()
                for range in write.deleteRanges {
                    for time in data.bars.keys where range.contains(time) {
                        data.bars[time] = nil
                        counts.deleted += 1
                    }
                }
                var batches = write.barBatches(batchSize: 100)
                while let batch = try batches.next() {
                    for bar in batch {
                        if let old = data.bars[bar.openTime] {
                            if old == bar { counts.unchanged += 1 } else { counts.updated += 1 }
                        } else {
                            counts.inserted += 1
                        }
                        data.bars[bar.openTime] = bar
                    }
                }
                if let floor = write.listingFloor { data.floor = floor }
                data.empty = TimeRange.merged(data.empty + write.emptyRanges)
                all[write.key] = data
                results.append(counts)
            }
            return results
        }
        // Applied once the series went in, so a failed series write keeps no funding either.
        guard let write = batch.funding else { return seriesCounts }
        let name = "\(batch.market.rawValue) \(batch.symbol)"
        let counts = funding.withLock { all in
            if all[name] == nil { all[name] = [:] }
            return Self.applyFunding(write, of: batch, to: &all)
        }
        fundingChecked.withLock { $0[name] = write.checkedRange(after: $0[name]) }
        return seriesCounts + [counts]
    }

    /// The runs recorded, in order.
    let runs = Mutex<[RunRecord]>([])

    func recordRun(_ run: RunRecord) async throws { runs.withLock { $0.append(run) } }
    func close() async throws {}
}

/// An exchange whose bars are a function of (symbol, open time), with listings and failures per symbol.
final class FakeExchange: Exchange, RequestCounting {
    let market: Market = .usdm
    let now: Int64
    let listings: [String: Int64]
    let outages: [TimeRange]
    let failing = Mutex<Set<String>>([])
    let revision = Mutex(0)
    let calls = Mutex(0)
    let pageSize = 499
    /// Symbols whose fetch fails after handing over this many pages (each page one request of weight 5), with a
    /// last page that fails three attempts.
    let failingAfterPages = Mutex<[String: Int]>([:])
    /// Every request "sent", as a client's limiter counts them.
    let sent = Mutex(RequestTotals(requests: 0, weight: 0, retries: 0))

    func requestTotals() async -> RequestTotals { sent.withLock { $0 } }

    private func count(requests: Int, weight: Int, retries: Int = 0) {
        sent.withLock {
            $0.requests += requests
            $0.weight += weight
            $0.retries += retries
        }
    }

    init(now: Int64, listings: [String: Int64], outages: [TimeRange] = []) {
        self.now = now
        self.listings = listings
        self.outages = outages
    }

    /// When set, the instrument list cannot be read (as if the exchange were down).
    let unreachable = Mutex(false)
    /// How often the instrument list was read.
    let infoReads = Mutex(0)

    func serverTime() async throws -> Int64 { now }

    func exchangeInfo() async throws -> ExchangeInfo {
        infoReads.withLock { $0 += 1 }
        if unreachable.withLock({ $0 }) {
            throw ExchangeError.transport(message: "connection refused", path: "/fapi/v1/exchangeInfo")
        }
        return ExchangeInfo(
            instruments: listings.keys.sorted().map {
                Instrument(
                    symbol: $0, status: .trading, rawStatus: "TRADING", contractType: "PERPETUAL", baseAsset: "X",
                    quoteAsset: "USDT")
            }, weightLimitPerMinute: 2400)
    }

    func bar(_ symbol: String, _ interval: Interval, _ open: Int64) -> Bar {
        let price = "\(100 + (open / 3_600_000) % 50).\(revision.withLock { $0 })0"
        return Bar(
            openTime: open, open: price, high: price, low: price, close: price, volume: "1.000",
            closeTime: interval.next(open) - 1,
            quoteVolume: "100", trades: 1, takerBuyBaseVolume: "0.5", takerBuyQuoteVolume: "50")
    }

    /// Hands the bars over in pages of `pageSize`, like a client would.
    func fetchBars(
        _ dataset: Dataset, symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch {
        calls.withLock { $0 += 1 }
        if failing.withLock({ $0.contains(symbol) }) {
            count(requests: 5, weight: 25, retries: 4)
            throw ExchangeError.exhausted(
                attempts: 5, last: .server(status: 503, message: "Service Unavailable", path: "/fapi/v1/klines"))
        }
        let listed = listings[symbol] ?? 0
        var bars: [Bar] = []
        var open = interval.ceil(max(range.start, listed))
        while open < range.end && interval.next(open) - 1 < horizon {
            if !outages.contains(where: { $0.contains(open) }) { bars.append(bar(symbol, interval, open)) }
            open = interval.next(open)
        }
        let failAfter = failingAfterPages.withLock { $0[symbol] }
        var start = 0
        var handed = 0
        while start < bars.count {
            if let failAfter, handed == failAfter {
                count(requests: 3, weight: 15, retries: 2)
                throw ExchangeError.exhausted(
                    attempts: 3, last: .server(status: 502, message: "Bad Gateway", path: "/fapi/v1/klines"))
            }
            let end = min(start + pageSize, bars.count)
            if failAfter != nil { count(requests: 1, weight: 5) }
            try await receive(Array(bars[start..<end]))
            handed += 1
            start = end
        }
        let pages = Paging.cost(market: market, interval: interval, range: range, mode: paging)
        if failAfter == nil { count(requests: pages.requests, weight: pages.weight) }
        return BarFetch(bars: [], requests: pages.requests, weight: pages.weight)
    }
}
