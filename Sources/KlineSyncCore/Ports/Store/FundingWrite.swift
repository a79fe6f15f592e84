/// The funding-rate changes of one symbol inside a `SymbolWrite`, applied in the symbol's transaction after its
/// series: deletions first, then rates.
public struct FundingWrite: Sendable {
    /// Funding events to store; an existing event with the same funding time is overwritten when it differs. When a
    /// funding time appears twice, the later event wins (and counts as an update when it differs).
    public var rates: [FundingRate]
    /// Ranges of funding times whose stored events are deleted first (replace and prune).
    public var deleteRanges: [TimeRange]
    /// Funding times now known complete: every event in it was fetched (a range where the exchange had none is
    /// complete too). The store merges it into the symbol's checked range when the two touch or overlap, and
    /// replaces that range when they do not; nil leaves it as it is.
    public var checked: TimeRange?

    /// A write of `rates`, after deleting the events in `deleteRanges`, marking `checked` complete.
    public init(rates: [FundingRate], deleteRanges: [TimeRange] = [], checked: TimeRange? = nil) {
        self.rates = rates
        self.deleteRanges = deleteRanges
        self.checked = checked
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

    /// The checked range a store keeps after this write, given the one it held: the union when the two touch or
    /// overlap, else this write's range (the newer knowledge); the stored one when this write records none. Stores
    /// compute the same in SQL.
    public func checkedRange(after stored: TimeRange?) -> TimeRange? {
        guard let checked else { return stored }
        guard let stored, stored.end >= checked.start, stored.start <= checked.end else { return checked }
        return TimeRange(start: min(stored.start, checked.start), end: max(stored.end, checked.end))
    }
}
