/// Splits a range of open times into klines requests, in one of two ways (`Mode`).
///
/// Futures weights step by limit (1–99 → 1, 100–499 → 2, 500–1000 → 5, more → 10), so 499-bar pages are the
/// cheapest per bar, with a tail under 100 bars costing 1. Spot costs 2 whatever the limit, so pages are 1000 bars
/// either way. COIN-M windows never span more than 200 days.
public enum Paging {
    /// How pages are sized.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// The least request weight: 499-bar futures pages. For a run that the weight budget limits.
        case leastWeight = "least_weight"
        /// The fewest requests: futures ranges cut into equal pages of at most 1500 bars (up to twice the weight
        /// per bar). For a run whose whole weight fits the budget anyway, where round trips are the cost.
        case fewestRequests = "fewest_requests"
    }

    /// Bars per full page on a market for an interval.
    public static func pageSize(market: Market, interval: Interval, mode: Mode = .leastWeight) -> Int {
        var size = market == .spot ? 1000 : (mode == .leastWeight ? 499 : market.maxKlineLimit)
        if let maxSpan = market.maxWindowMillis, let length = interval.fixedMillis {
            size = min(size, Int((maxSpan + 1) / length))
        } else if market.maxWindowMillis != nil, interval.isMonthly {
            size = 6  // six months never exceed 200 days
        }
        return max(1, size)
    }

    /// The requests that fetch every bar with an open time in `range` (aligned outwards to the interval grid).
    public static func pages(market: Market, interval: Interval, range: TimeRange, mode: Mode = .leastWeight)
        -> [Page]
    {
        var pages: [Page] = []
        var start = interval.ceil(range.start)
        let stop = interval.ceil(range.end)
        for limit in limits(bars: interval.count(from: start, to: stop), market: market, interval: interval, mode: mode)
        {
            let end = interval.advance(start, by: Int64(limit))
            pages.append(
                Page(startTime: start, endTime: end - 1, limit: limit, weight: market.klineWeight(limit: limit)))
            start = end
        }
        return pages
    }

    /// Request count and total weight of fetching `range`, without building the pages.
    public static func cost(market: Market, interval: Interval, range: TimeRange, mode: Mode = .leastWeight)
        -> (requests: Int, weight: Int)
    {
        let bars = interval.count(from: range.start, to: range.end)
        guard bars > 0 else { return (0, 0) }
        let size = Int64(pageSize(market: market, interval: interval, mode: mode))
        let requests = (bars + size - 1) / size
        switch mode {
        case .leastWeight:
            let full = bars / size
            let tail = bars % size
            var weight = Int(full) * market.klineWeight(limit: Int(size))
            if tail > 0 { weight += market.klineWeight(limit: Int(tail)) }
            return (Int(requests), weight)
        case .fewestRequests:
            let base = bars / requests
            let larger = bars % requests
            let weight =
                Int(larger) * market.klineWeight(limit: Int(base + 1))
                + Int(requests - larger) * market.klineWeight(limit: Int(base))
            return (Int(requests), weight)
        }
    }

    /// The limits of the first two pages (or fewer) of `bars` bars, as `limits` would give them, without building
    /// the whole list.
    static func leadingLimits(bars: Int64, market: Market, interval: Interval, mode: Mode) -> [Int] {
        guard bars > 0 else { return [] }
        let size = Int64(pageSize(market: market, interval: interval, mode: mode))
        switch mode {
        case .leastWeight:
            return limits(bars: min(bars, 2 * size), market: market, interval: interval, mode: mode)
        case .fewestRequests:
            let requests = (bars + size - 1) / size
            let base = bars / requests
            let larger = bars % requests
            return (0..<min(requests, 2)).map { Int($0 < larger ? base + 1 : base) }
        }
    }

    /// The limit of each page for `bars` bars: full pages and a tail (least weight), or equal shares (fewest
    /// requests: the larger ones first).
    static func limits(bars: Int64, market: Market, interval: Interval, mode: Mode) -> [Int] {
        guard bars > 0 else { return [] }
        let size = Int64(pageSize(market: market, interval: interval, mode: mode))
        switch mode {
        case .leastWeight:
            var limits = Array(repeating: Int(size), count: Int(bars / size))
            if bars % size > 0 { limits.append(Int(bars % size)) }
            return limits
        case .fewestRequests:
            let requests = (bars + size - 1) / size
            let base = bars / requests
            let larger = bars % requests
            return (0..<requests).map { Int($0 < larger ? base + 1 : base) }
        }
    }
}
