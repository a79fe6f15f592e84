/// An `Exchange` that counts every request it sends, including the retries and the pages of fetches that failed
/// or were interrupted part-way. The executor totals a run's report from these counters, so a failed symbol's
/// requests and weight are not lost.
public protocol RequestCounting: Sendable {
    /// Requests, weight and retries sent since the exchange client was made.
    func requestTotals() async -> RequestTotals
}
