/// One funding event of a perpetual (DESIGN §9): when it was settled, the rate, and the mark price then, as the
/// exact decimal text the exchange sent.
public struct FundingRate: Sendable, Hashable, Codable {
    /// Funding time (ms). Not on a fixed grid: 8h for most symbols, 4h or 1h for some, changing over time.
    public var fundingTime: Int64
    /// The funding rate, such as `0.00010000`.
    public var rate: String
    /// The mark price at funding time; nil when the exchange sent none (old rows carry an empty string).
    public var markPrice: String?

    public init(fundingTime: Int64, rate: String, markPrice: String?) {
        self.fundingTime = fundingTime
        self.rate = rate
        self.markPrice = markPrice
    }

    /// The canonical text for digests: `time,rate,mark` with decimals without trailing zeros (an absent mark price
    /// is empty).
    public var canonicalText: String {
        "\(fundingTime),\(DecimalText.canonical(rate)),\(markPrice.map(DecimalText.canonical) ?? "")"
    }
}
