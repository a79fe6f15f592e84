/// The bars of a `SeriesWrite`, batch by batch.
public struct BarBatches {
    var spooled: BarSpool.Reader?
    let bars: [Bar]
    let batchSize: Int
    var position = 0

    init(spooled: BarSpool.Reader?, bars: [Bar], batchSize: Int) {
        self.spooled = spooled
        self.bars = bars
        self.batchSize = batchSize
    }

    /// The next batch, or nil when every bar was returned. Throws `SpoolError` when the spool cannot be read.
    public mutating func next() throws -> [Bar]? {
        if spooled != nil {
            if let batch = try spooled!.next() { return batch }
            spooled = nil
        }
        // The in-memory bars are already held: handed over whole, without a copy.
        guard position == 0, !bars.isEmpty else { return nil }
        position = bars.count
        return bars
    }
}
