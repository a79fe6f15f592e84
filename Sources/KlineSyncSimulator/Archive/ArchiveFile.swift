import Crypto
import Hummingbird
import KlineSyncCore

/// One generated archive file as it is served: the zip's bytes, its SHA-256 and the rows its CSV holds.
struct ArchiveFile: Sendable {
    /// The zip (or, for a ``ArchiveFault/Kind/truncated`` variant, what is left of it).
    var zip: ByteBuffer
    /// Lower-case hex SHA-256 of ``zip``.
    var digest: String
    /// Data rows in the CSV.
    var rows: Int

    /// The zip of `file`'s CSV for `instrument` (see ``ArchiveCSV``), its one entry dated `modified` (ms).
    init(
        file: ArchiveFileID, instrument: SimulatedInstrument, seed: UInt64, openTimes: [Int64], skipping: Int,
        modified: Int64
    ) throws(ZipWriterError) {
        let zip = try ZipWriter(name: file.csvName, modified: modified, expectedBytes: openTimes.count * 50)
        try ArchiveCSV.write(
            file: file, instrument: instrument, seed: seed, openTimes: openTimes, skipping: skipping, into: zip)
        self.init(zip: try zip.finish(), rows: max(0, openTimes.count - skipping))
    }

    /// The zip of a monthly funding-rate file: ``FundingArchiveFile/header``, then one row per event (the first
    /// `skipping` left out, the `hole` fault), its one entry dated `modified` (ms).
    init(funding file: FundingArchiveFile, events: [FundingEvent], skipping: Int, modified: Int64)
        throws(ZipWriterError)
    {
        let zip = try ZipWriter(name: file.csvName, modified: modified, expectedBytes: 64 + events.count * 32)
        var w = ByteWriter(capacity: 64 + events.count * 32)
        w.raw(FundingArchiveFile.header)
        w.byte(10)
        for event in events.dropFirst(skipping) {
            w.integer(event.time)
            w.byte(44)
            w.integer(Int64(event.hours))
            w.byte(44)
            w.signedTicks(event.rate, precision: DerivedPrices.decimals)
            w.byte(10)
        }
        try zip.append(w.bytes)
        self.init(zip: try zip.finish(), rows: max(0, events.count - skipping))
    }

    /// A file of these bytes, with their digest.
    init(zip: ByteBuffer, rows: Int) {
        self.zip = zip
        self.rows = rows
        digest = zip.withUnsafeReadableBytes { SHA256.hash(data: $0) }.hexDigest
    }

    /// The first half of the zip's bytes (a broken zip whose `.CHECKSUM` matches it).
    var truncated: ArchiveFile {
        ArchiveFile(zip: zip.getSlice(at: zip.readerIndex, length: zip.readableBytes / 2)!, rows: rows)
    }

    /// The zip with one byte in the middle of the compressed data changed; its digest is the intact file's.
    var corrupted: ByteBuffer {
        var copy = zip
        let at = copy.readerIndex + copy.readableBytes / 2
        if let byte = copy.getInteger(at: at, as: UInt8.self) { copy.setInteger(byte ^ 0x5A, at: at) }
        return copy
    }
}
