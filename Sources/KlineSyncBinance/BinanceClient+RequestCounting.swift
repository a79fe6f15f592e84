import KlineSyncCore

extension BinanceClient: RequestCounting {
    /// The limiter's counters: every attempt sent through it, with its weight.
    public func requestTotals() async -> RequestTotals {
        let stats = await stats()
        return RequestTotals(requests: stats.requests, weight: stats.weight, retries: stats.retries)
    }
}
