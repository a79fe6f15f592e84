import KlineSyncCore
import Logging

extension BinanceClient {
    /// Every closed bar of `symbol` at `interval` with an open time in `range`, fetched in the pages
    /// `Paging.pages` plans (the planner's estimates use the same plan).
    ///
    /// Pages are fetched concurrently (at most `pacing.concurrency` at a time, all through the limiter) and
    /// assembled in order. Each page is parsed and validated; any problem fails the whole series and returns
    /// nothing. Bars whose close time is not before `horizon` (the still-open bar) are dropped. When the first
    /// bar returned is later than the start asked for, `listingFloor` is set to it.
    public func fetchBars(symbol: String, interval: Interval, range: TimeRange, horizon: Int64) async throws -> BarFetch
    {
        let path = market.pathPrefix + "/klines"
        guard Instrument.isValidSymbol(symbol) else {
            throw ExchangeError.rejected(
                status: 0, code: -1100, message: "illegal characters in symbol name", path: path)
        }
        guard market.intervals.contains(interval) else {
            throw ExchangeError.rejected(
                status: 0, code: -1120, message: "interval \(interval.name) is not offered on \(market.rawValue)",
                path: path)
        }
        let pages = Paging.pages(market: market, interval: interval, range: range)
        guard !pages.isEmpty else { return BarFetch(bars: []) }
        let results = try await fetchPages(pages, symbol: symbol, interval: interval, path: path)

        var fetch = BarFetch(bars: [])
        fetch.bars.reserveCapacity(results.reduce(0) { $0 + $1.value.count })
        for outcome in results {
            fetch.requests += outcome.requests
            fetch.weight += outcome.weight
            fetch.retries += outcome.retries
            fetch.bars.append(contentsOf: outcome.value)
        }
        if let first = fetch.bars.first, first.openTime > pages[0].startTime {
            fetch.listingFloor = first.openTime
        }
        if let firstOpen = fetch.bars.firstIndex(where: { $0.closeTime >= horizon }) {
            fetch.bars.removeSubrange(firstOpen...)
        }
        logger.debug(
            "fetched bars",
            metadata: [
                "symbol": "\(symbol)", "interval": "\(interval.name)", "bars": "\(fetch.bars.count)",
                "requests": "\(fetch.requests)", "weight": "\(fetch.weight)",
            ])
        return fetch
    }

    /// Fetches the pages with a sliding window of concurrent tasks; results come back in page order.
    private func fetchPages(
        _ pages: [Page], symbol: String, interval: Interval, path: String
    ) async throws -> [Outcome<[Bar]>] {
        let width = max(1, min(pacing.concurrency, pages.count))
        return try await withThrowingTaskGroup(of: (Int, Outcome<[Bar]>).self) { group in
            var results = [Outcome<[Bar]>?](repeating: nil, count: pages.count)
            var next = 0
            func start() {
                let index = next
                let page = pages[index]
                next += 1
                group.addTask {
                    (index, try await self.fetchPage(page, symbol: symbol, interval: interval, path: path))
                }
            }
            while next < width { start() }
            while let (index, outcome) = try await group.next() {
                results[index] = outcome
                if next < pages.count { start() }
            }
            return results.map { $0! }
        }
    }

    /// One page: `symbol`, `interval`, exact `startTime`/`endTime` window and `limit`, parsed and validated.
    func fetchPage(_ page: Page, symbol: String, interval: Interval, path: String) async throws -> Outcome<[Bar]> {
        let query = [
            ("symbol", symbol), ("interval", interval.name), ("startTime", String(page.startTime)),
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
