/// Funding-rate history of perpetuals (DESIGN §9), from an exchange that has it.
public protocol FundingSource: Sendable {
    /// Every funding event of `symbol` with a funding time in `range`, in ascending order, validated (times
    /// ascending and inside the range, rates and mark prices plain decimals).
    func fetchFunding(symbol: String, range: TimeRange) async throws -> FundingFetch
}

/// The funding events of one fetched range, with what the fetch cost.
public struct FundingFetch: Sendable {
    public var rates: [FundingRate]
    public var requests: Int
    public var retries: Int

    public init(rates: [FundingRate], requests: Int = 0, retries: Int = 0) {
        self.rates = rates
        self.requests = requests
        self.retries = retries
    }
}
