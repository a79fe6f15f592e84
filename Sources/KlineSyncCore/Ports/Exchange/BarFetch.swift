/// The bars of one fetched range, with what the fetch cost and learned.
public struct BarFetch: Sendable {
    /// Closed bars in ascending open-time order, validated.
    public var bars: [Bar]
    /// Set when the exchange answered the start of the range with a later first bar: the listing floor.
    public var listingFloor: Int64?
    public var requests: Int
    public var weight: Int
    public var retries: Int

    public init(bars: [Bar], listingFloor: Int64? = nil, requests: Int = 0, weight: Int = 0, retries: Int = 0) {
        self.bars = bars
        self.listingFloor = listingFloor
        self.requests = requests
        self.weight = weight
        self.retries = retries
    }
}
