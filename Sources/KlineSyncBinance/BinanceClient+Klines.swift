import KlineSyncCore
import Logging

extension BinanceClient {
    /// Every closed bar of `symbol` at `interval` with an open time in `range`, fetched in the pages
    /// `Paging.pages` makes in the plan's `paging` mode (the planner's estimates use the same) and handed to `receive` page by page, in
    /// order.
    ///
    /// Pages are fetched concurrently (at most `pacing.concurrency` at a time, all through the limiter); a page
    /// that arrives early waits for the ones before it, and no page starts more than twice that window ahead of the
    /// first one not yet handed over, so memory stays bounded however long the range. Each page is parsed and
    /// validated; any problem fails the fetch (pages already handed over are the caller's to discard). Bars whose
    /// close time is not before `horizon` (the still-open bar) are dropped. When the first bar returned is later
    /// than the start asked for, `listingFloor` is set to it.
    ///
    /// A range of several pages may start long before the symbol's listing, so its first page is fetched alone
    /// first (`leadPage`), as planned. When it is empty, spot and USD-M probe the rest of the range with the next
    /// page's limit (the exchange anchors at `startTime`, so the first bar, i.e. the listing, comes back at once, or
    /// nothing when the range has no bar) and page the rest from there; COIN-M (windows of at most 200 days,
    /// anchored at `endTime`) probes with daily pages of 200 days each until a bar appears. Either way the empty
    /// pages before a listing are not fetched one by one.
    public func fetchBars(
        _ dataset: Dataset, symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch {
        let path = market.pathPrefix + "/" + dataset.endpoint
        guard dataset.isOffered(on: market) else {
            throw ExchangeError.rejected(
                status: 0, code: -1100,
                message: "\(dataset.rawValue) klines are futures only, not on \(market.rawValue)",
                path: path)
        }
        let key = dataset.keyedByPair ? "pair" : "symbol"
        guard Instrument.isValidSymbol(symbol) else {
            throw ExchangeError.rejected(
                status: 0, code: -1100, message: "illegal characters in symbol name", path: path)
        }
        guard market.intervals.contains(interval) else {
            throw ExchangeError.rejected(
                status: 0, code: -1120, message: "interval \(interval.name) is not offered on \(market.rawValue)",
                path: path)
        }
        var pages = Paging.pages(market: market, interval: interval, range: range, mode: paging)
        var fetch = BarFetch(bars: [])
        guard !pages.isEmpty else { return fetch }
        let start = pages[0].startTime
        var seenBar = false
        var delivered = 0
        func deliver(_ outcome: Outcome<[Bar]>) async throws {
            fetch.requests += outcome.requests
            fetch.weight += outcome.weight
            fetch.retries += outcome.retries
            var bars = outcome.value
            if !seenBar, let first = bars.first {
                seenBar = true
                if first.openTime > start { fetch.listingFloor = first.openTime }
            }
            if let open = bars.firstIndex(where: { $0.closeTime >= horizon }) { bars.removeSubrange(open...) }
            delivered += bars.count
            if !bars.isEmpty { try await receive(bars) }
        }
        if pages.count > 1 {
            let lead = try await leadPage(
                pages: pages, range: range, symbol: symbol, key: key, interval: interval, paging: paging, path: path)
            for outcome in lead.outcomes { try await deliver(outcome) }
            pages = lead.rest
        }
        try await fetchPages(pages, symbol: symbol, key: key, interval: interval, path: path, receive: deliver)
        logger.debug(
            "fetched bars",
            metadata: [
                "symbol": "\(symbol)", "dataset": "\(dataset.rawValue)", "interval": "\(interval.name)",
                "bars": "\(delivered)",
                "requests": "\(fetch.requests)", "weight": "\(fetch.weight)",
            ])
        return fetch
    }

    /// Fetches the pages with a sliding window of concurrent tasks and hands each result to `receive` in page order.
    private func fetchPages(
        _ pages: [Page], symbol: String, key: String, interval: Interval, path: String,
        receive: (Outcome<[Bar]>) async throws -> Void
    ) async throws {
        guard !pages.isEmpty else { return }
        let width = max(1, min(pacing.concurrency, pages.count))
        // Pages that arrived before an earlier one; a new page only starts within `ahead` of the next to hand over.
        let ahead = 2 * width
        try await withThrowingTaskGroup(of: (Int, Outcome<[Bar]>).self) { group in
            var early: [Int: Outcome<[Bar]>] = [:]
            var next = 0
            var handed = 0
            func start() {
                let index = next
                let page = pages[index]
                next += 1
                group.addTask {
                    (index, try await self.fetchPage(page, symbol: symbol, key: key, interval: interval, path: path))
                }
            }
            while next < width { start() }
            while let (index, outcome) = try await group.next() {
                early[index] = outcome
                while let ready = early.removeValue(forKey: handed) {
                    handed += 1
                    try await receive(ready)
                }
                while next < pages.count && next - handed < ahead && next - handed - early.count < width { start() }
            }
        }
    }

    /// One page: `symbol` (as the `key` parameter: `symbol`, or `pair` for index prices), `interval`, exact
    /// `startTime`/`endTime` window and `limit`, parsed and validated.
    func fetchPage(_ page: Page, symbol: String, key: String = "symbol", interval: Interval, path: String)
        async throws -> Outcome<[Bar]>
    {
        let query = [
            (key, symbol), ("interval", interval.name), ("startTime", String(page.startTime)),
            ("endTime", String(page.endTime)), ("limit", String(page.limit)),
        ]
        return try await send(path: path, query: query, weight: page.weight) {
            (body: UnsafeRawBufferPointer) throws(ExchangeError) -> [Bar] in
            let bars: [Bar]
            do {
                bars = try KlineParser.parse(body)
            } catch {
                throw .invalidResponse(message: "\(symbol) \(interval.name): \(error)", path: path)
            }
            if let problem = KlineValidator.problem(in: bars, interval: interval, page: page) {
                throw .invalidResponse(message: "\(symbol) \(interval.name): \(problem)", path: path)
            }
            return bars
        }
    }
}
