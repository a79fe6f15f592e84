/// The funding-rate changes of one symbol inside a `SymbolWrite`, applied in the symbol's transaction after its
/// series: deletions first, then rates.
public struct FundingWrite: Sendable {
    /// Funding events to store; an existing event with the same funding time is overwritten when it differs. When a
    /// funding time appears twice, the later event wins (and counts as an update when it differs).
    public var rates: [FundingRate]
    /// Ranges of funding times whose stored events are deleted first (replace and prune).
    public var deleteRanges: [TimeRange]

    /// A write of `rates`, after deleting the events in `deleteRanges`.
    public init(rates: [FundingRate], deleteRanges: [TimeRange] = []) {
        self.rates = rates
        self.deleteRanges = deleteRanges
    }

    /// The first funding event whose rate or mark price is not a plain decimal, described for a `WriteRefusal`;
    /// nil when every text is valid.
    public var firstMalformedDecimal: String? {
        for rate in rates {
            if !DecimalText.isValid(rate.rate) {
                return "funding at \(rate.fundingTime) has a malformed rate '\(rate.rate)'"
            }
            if let mark = rate.markPrice, !DecimalText.isValid(mark) {
                return "funding at \(rate.fundingTime) has a malformed mark price '\(mark)'"
            }
        }
        return nil
    }
}
