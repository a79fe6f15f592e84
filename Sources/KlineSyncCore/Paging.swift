/// One klines request: an exact window of open times and the limit that fits it.
public struct Page: Sendable, Hashable, Codable {
    /// `startTime` parameter: the first open time asked for.
    public var startTime: Int64
    /// `endTime` parameter: one millisecond before the open time after the last bar asked for.
    public var endTime: Int64
    /// `limit` parameter: exactly the number of bars in the window.
    public var limit: Int
    /// Request weight of this call.
    public var weight: Int

    public init(startTime: Int64, endTime: Int64, limit: Int, weight: Int) {
        self.startTime = startTime
        self.endTime = endTime
        self.limit = limit
        self.weight = weight
    }
}

/// Splits a range of open times into klines requests that cost the least request weight.
///
/// Futures weights step by limit (1–99 → 1, 100–499 → 2, 500–1000 → 5, more → 10), so 499-bar pages are the
/// cheapest per bar, with a tail under 100 bars costing 1. Spot costs 2 whatever the limit, so pages are 1000 bars.
/// COIN-M windows never span more than 200 days.
public enum Paging {
    /// Bars per full page on a market for an interval.
    public static func pageSize(market: Market, interval: Interval) -> Int {
        var size = market == .spot ? 1000 : 499
        if let maxSpan = market.maxWindowMillis, let length = interval.fixedMillis {
            size = min(size, Int((maxSpan + 1) / length))
        } else if market.maxWindowMillis != nil, interval.isMonthly {
            size = 6  // six months never exceed 200 days
        }
        return max(1, size)
    }

    /// The requests that fetch every bar with an open time in `range` (aligned outwards to the interval grid).
    public static func pages(market: Market, interval: Interval, range: TimeRange) -> [Page] {
        var pages: [Page] = []
        let size = Int64(pageSize(market: market, interval: interval))
        var start = interval.ceil(range.start)
        let stop = interval.ceil(range.end)
        while start < stop {
            var end = interval.advance(start, by: size)
            if end > stop { end = stop }
            let limit = Int(interval.count(from: start, to: end))
            pages.append(
                Page(startTime: start, endTime: end - 1, limit: limit, weight: market.klineWeight(limit: limit)))
            start = end
        }
        return pages
    }

    /// Request count and total weight of fetching `range`, without building the pages.
    public static func cost(market: Market, interval: Interval, range: TimeRange) -> (requests: Int, weight: Int) {
        let bars = interval.count(from: range.start, to: range.end)
        guard bars > 0 else { return (0, 0) }
        let size = Int64(pageSize(market: market, interval: interval))
        let full = bars / size
        let tail = bars % size
        var weight = Int(full) * market.klineWeight(limit: Int(size))
        if tail > 0 { weight += market.klineWeight(limit: Int(tail)) }
        return (Int(full) + (tail > 0 ? 1 : 0), weight)
    }
}
