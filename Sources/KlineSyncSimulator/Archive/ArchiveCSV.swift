import KlineSyncCore

/// The CSV of one archive file: exactly the closed bars REST serves for the file's period, written as the real
/// archive writes them (see ``ArchiveLayout``), straight into a zip piece by piece.
enum ArchiveCSV {
    /// Bytes of CSV handed to the zip at a time.
    static let pieceBytes = 1 << 18

    /// The open times of `file`'s rows: the closed bars REST serves in the file's period, oldest first; empty when
    /// the symbol has no bar in the period (before its listing, after its delisting, or all in an outage), which is
    /// when the archive has no file.
    static func openTimes(file: ArchiveFileID, instrument: SimulatedInstrument, outages: [Outage]) -> [Int64] {
        let interval = file.interval
        let period = file.period
        let selection = KlineSelection(
            instrument: instrument, interval: interval, outages: outages, now: interval.ceil(period.end))
        return selection.forward(from: period.start, through: period.end - 1, limit: .max)
    }

    /// Writes the CSV of `file` for `instrument` into `zip`: the rows opening at `openTimes` (from
    /// ``openTimes(file:instrument:outages:)``), the first `skipping` left out (the `hole` fault).
    static func write(
        file: ArchiveFileID, instrument: SimulatedInstrument, seed: UInt64, openTimes: [Int64], skipping: Int,
        into zip: ZipWriter
    ) throws(ZipWriterError) {
        guard file.dataset == .klines else {
            return try writeDerived(
                file: file, instrument: instrument, seed: seed, openTimes: openTimes, skipping: skipping, into: zip)
        }
        let interval = file.interval
        // Every bar opening in the period has closed by then, so the values do not depend on the clock.
        let closed = interval.ceil(file.period.end)
        let generator = BarGenerator(seed: seed, market: file.market, instrument: instrument, interval: interval)
        let micros = ArchiveLayout.usesMicroseconds(file)
        let f = generator.format
        var w = ByteWriter(capacity: pieceBytes + 512)
        if ArchiveLayout.hasHeader(file) {
            w.raw(ArchiveLayout.header)
            w.byte(10)
        }
        var cache = BarGenerator.PriceCache()
        for openTime in openTimes.dropFirst(skipping) {
            let v = generator.values(openTime: openTime, now: closed, cache: &cache)
            if micros {
                w.integer(v.openTime * 1000)
            } else {
                w.integer(v.openTime)
            }
            w.byte(44)
            w.ticks(v.open, precision: f.pricePrecision, decimals: f.priceDecimals)
            w.byte(44)
            w.ticks(v.high, precision: f.pricePrecision, decimals: f.priceDecimals)
            w.byte(44)
            w.ticks(v.low, precision: f.pricePrecision, decimals: f.priceDecimals)
            w.byte(44)
            w.ticks(v.close, precision: f.pricePrecision, decimals: f.priceDecimals)
            w.byte(44)
            w.decimal(v.volume, decimals: f.volumeDecimals)
            w.byte(44)
            if micros {
                w.integer((v.closeTime + 1) * 1000 - 1)
            } else {
                w.integer(v.closeTime)
            }
            w.byte(44)
            w.decimal(v.quoteVolume, decimals: f.quoteDecimals)
            w.byte(44)
            w.integer(v.trades)
            w.byte(44)
            w.decimal(v.takerBase, decimals: f.volumeDecimals)
            w.byte(44)
            w.decimal(v.takerQuote, decimals: f.quoteDecimals)
            w.raw(",0\n")
            if w.bytes.count >= pieceBytes {
                try zip.append(w.bytes)
                w.bytes.removeAll(keepingCapacity: true)
            }
        }
        try zip.append(w.bytes)
    }

    /// Writes the CSV of a mark-price, index-price or premium-index file: the REST rows of
    /// ``DerivedBarGenerator``, unquoted, with the klines header on futures files from ``ArchiveLayout``'s date.
    private static func writeDerived(
        file: ArchiveFileID, instrument: SimulatedInstrument, seed: UInt64, openTimes: [Int64], skipping: Int,
        into zip: ZipWriter
    ) throws(ZipWriterError) {
        let closed = file.interval.ceil(file.period.end)
        let generator = DerivedBarGenerator(
            seed: seed, instrument: instrument, interval: file.interval, dataset: file.dataset)
        let decimals = DerivedPrices.decimals
        var w = ByteWriter(capacity: pieceBytes + 512)
        if ArchiveLayout.hasHeader(file) {
            w.raw(ArchiveLayout.header)
            w.byte(10)
        }
        for openTime in openTimes.dropFirst(skipping) {
            let v = generator.values(openTime: openTime, now: closed)
            w.integer(v.openTime)
            for price in [v.open, v.high, v.low, v.close] {
                w.byte(44)
                w.signedTicks(price, precision: decimals)
            }
            w.raw(",0,")
            w.integer(v.closeTime)
            w.raw(",0,")
            w.integer(v.samples)
            w.raw(",0,0,0\n")
            if w.bytes.count >= pieceBytes {
                try zip.append(w.bytes)
                w.bytes.removeAll(keepingCapacity: true)
            }
        }
        try zip.append(w.bytes)
    }
}
