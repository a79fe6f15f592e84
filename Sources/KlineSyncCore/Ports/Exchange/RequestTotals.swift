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
