/// The changes to one series inside a `SymbolWrite`, applied in this order: deletions, then bars, then state.
public struct SeriesWrite: Sendable {
    public var key: SeriesKey
    /// Ranges of open times whose stored bars are deleted first (replace and prune).
    public var deleteRanges: [TimeRange]
    /// Bars to store; an existing bar with the same open time is overwritten when it differs.
    public var bars: [Bar]
    /// More bars to store, spooled to disk by the executor when a long fetch did not fit its memory budget. They are
    /// written before `bars`; no open time is in both.
    public var spooled: BarSpool?
    /// A newly discovered listing floor (the first open time the exchange has).
    public var listingFloor: Int64?
    /// Ranges the exchange confirmed empty.
    public var emptyRanges: [TimeRange]

    public init(
        key: SeriesKey, deleteRanges: [TimeRange] = [], bars: [Bar] = [], listingFloor: Int64? = nil,
        emptyRanges: [TimeRange] = []
    ) {
        self.key = key
        self.deleteRanges = deleteRanges
        self.bars = bars
        self.listingFloor = listingFloor
        self.emptyRanges = emptyRanges
    }

    /// Bars to store, spooled and in memory.
    public var barCount: Int { bars.count + (spooled?.count ?? 0) }

    /// The bars to store in batches: the spooled ones read back from disk `batchSize` at a time, then `bars` whole.
    /// A store writes them with `while let batch = try batches.next() { … }`, holding one batch at a time.
    public func barBatches(batchSize: Int = 8192) -> BarBatches {
        BarBatches(spooled: spooled?.makeReader(batchSize: batchSize), bars: bars, batchSize: max(1, batchSize))
    }
}
