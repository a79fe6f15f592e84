/// An `Exchange` that counts every request it sends, including the retries and the pages of fetches that failed
/// or were interrupted part-way. The executor totals a run's report from these counters, so a failed symbol's
/// requests and weight are not lost.
public protocol RequestCounting: Sendable {
    /// Requests, weight and retries sent since the exchange client was made.
    func requestTotals() async -> RequestTotals
}

/// Counters of an exchange client's traffic.
public struct RequestTotals: Sendable, Hashable {
    public var requests: Int
    public var weight: Int
    public var retries: Int

    /// Counters with these values.
    public init(requests: Int, weight: Int, retries: Int) {
        self.requests = requests
        self.weight = weight
        self.retries = retries
    }
}
