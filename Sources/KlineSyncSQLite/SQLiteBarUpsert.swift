import GRDB
import KlineSyncCore

/// The bulk bar write path: a reused multi-row `INSERT … ON CONFLICT DO NOTHING` per chunk of bars (see
/// `chunkSizes`), and an `UPDATE … WHERE <a column differs>` per bar only for chunks in which some
/// open time was already stored.
///
/// `sqlite3_changes` tells the outcomes apart: the insert's count is the bars inserted; when it falls short of the
/// chunk, each bar of the chunk goes through the update, whose count is the bars updated (a bar inserted a moment
/// ago is identical and changes nothing); the rest were unchanged. A fresh series costs one statement per chunk.
/// All statements take a bar's twelve values as `?1 … ?12` (the multi-row insert as `?(12k+1) … ?(12k+12)`).
///
/// Not `INSERT OR IGNORE`: that would also skip rows violating CHECK and NOT NULL constraints silently, where
/// the write must fail and roll back. The eight decimal texts of a bar are copied into one reused buffer and
/// bound without a copy by SQLite, which saves eight allocations per bar.
struct SQLiteBarUpsert {
    /// Rows per multi-row insert, largest first: a series is cut into chunks of 128 bars, its tail into chunks of
    /// 16 and single bars. 128 × 12 parameters stays far below SQLite's limit (32766).
    static let chunkSizes = [128, 16, 1]
    /// One insert statement per entry of `chunkSizes`.
    private let inserts: [RawStatement]
    private let update: RawStatement
    /// The decimal texts of the current chunk, back to back.
    private var scratch: [UInt8] = []
    /// Start of each text in `scratch`, plus the end of the last (8 texts per bar of a chunk).
    private var offsets: [Int] = Array(repeating: 0, count: 8 * chunkSizes[0] + 1)

    init(_ db: Database) throws {
        inserts = try Self.chunkSizes.map { try RawStatement(db, sql: Self.insertSQL(rows: $0)) }
        update = try RawStatement(
            db,
            sql: """
                UPDATE bars SET open = ?3, high = ?4, low = ?5, close = ?6, volume = ?7, close_time = ?8,
                    quote_volume = ?9, trades = ?10, taker_buy_base = ?11, taker_buy_quote = ?12
                WHERE series_id = ?1 AND open_time = ?2
                    AND (open IS NOT ?3 OR high IS NOT ?4 OR low IS NOT ?5 OR close IS NOT ?6 OR volume IS NOT ?7
                        OR close_time IS NOT ?8 OR quote_volume IS NOT ?9 OR trades IS NOT ?10
                        OR taker_buy_base IS NOT ?11 OR taker_buy_quote IS NOT ?12)
                """)
        scratch.reserveCapacity(256)
    }

    /// Parameter numbers of the eight decimal texts, in the order `fill(with:)` writes them.
    private static let textParameters: [Int32] = [3, 4, 5, 6, 7, 9, 11, 12]

    /// `INSERT INTO bars … VALUES (?1 … ?12), (?13 … ?24), … ON CONFLICT DO NOTHING` for `rows` bars.
    private static func insertSQL(rows: Int) -> String {
        let values = (0..<rows).map { row in
            "(" + (1...12).map { "?\(row * 12 + $0)" }.joined(separator: ", ") + ")"
        }
        return """
            INSERT INTO bars (series_id, open_time, open, high, low, close, volume, close_time, quote_volume, trades,
                taker_buy_base, taker_buy_quote)
            VALUES \(values.joined(separator: ", "))
            ON CONFLICT (series_id, open_time) DO NOTHING
            """
    }

    /// Writes `bars` into the series and counts inserted, updated and unchanged bars.
    ///
    /// - Throws: `WriteRefusal` for a bar whose decimal text is malformed (checked here, on the bytes already
    ///   copied for binding, rather than in a separate pass), or the SQLite error of a violated constraint.
    mutating func upsert(_ bars: [Bar], seriesID: Int64) throws -> WriteCounts {
        defer {
            inserts.forEach { $0.clearBindings() }
            update.clearBindings()
        }
        // Bars are read in place through the buffer: no copy of a `Bar` (and of its eight strings) per use.
        return try bars.withUnsafeBufferPointer { all in
            var counts = WriteCounts()
            var start = 0
            for (size, insert) in zip(Self.chunkSizes, inserts) {
                while all.count - start >= size {
                    let chunk = UnsafeBufferPointer(rebasing: all[start..<start + size])
                    start += size
                    counts = counts + (try upsert(chunk, seriesID: seriesID, with: insert))
                }
            }
            return counts
        }
    }

    /// Inserts `chunk` with the multi-row `insert` made for its size; when some bars were already stored, runs
    /// every bar of the chunk through the update.
    private mutating func upsert(_ chunk: UnsafeBufferPointer<Bar>, seriesID: Int64, with insert: RawStatement)
        throws -> WriteCounts
    {
        try fill(with: chunk)
        let inserted = try scratch.withUnsafeBufferPointer { buffer in
            for row in chunk.indices {
                bind(insert, chunk[row], seriesID, buffer.baseAddress!, row: row)
            }
            return try insert.execute()
        }
        guard inserted < chunk.count else { return WriteCounts(inserted: inserted) }
        var updated = 0
        for row in chunk.indices {
            let one = UnsafeBufferPointer(rebasing: chunk[row..<row + 1])
            try fill(with: one)
            updated += try scratch.withUnsafeBufferPointer { buffer in
                bind(update, one[0], seriesID, buffer.baseAddress!, row: 0)
                return try update.execute()
            }
        }
        return WriteCounts(inserted: inserted, updated: updated, unchanged: chunk.count - inserted - updated)
    }

    /// Copies the decimal texts of `bars` into `scratch` (in the order of `Bar.decimalFieldNames`), records where each
    /// starts and checks each is a decimal.
    private mutating func fill(with bars: UnsafeBufferPointer<Bar>) throws {
        scratch.removeAll(keepingCapacity: true)
        // One byte more than needed so that the buffer is never empty (its base address is then never nil).
        scratch.append(0)
        var index = 0
        for row in bars.indices {
            append(bars[row].open, at: index)
            append(bars[row].high, at: index + 1)
            append(bars[row].low, at: index + 2)
            append(bars[row].close, at: index + 3)
            append(bars[row].volume, at: index + 4)
            append(bars[row].quoteVolume, at: index + 5)
            append(bars[row].takerBuyBaseVolume, at: index + 6)
            append(bars[row].takerBuyQuoteVolume, at: index + 7)
            index += 8
        }
        offsets[index] = scratch.count
        let invalid = scratch.withUnsafeBufferPointer { buffer in
            (0..<index).first { text in
                !DecimalText.isValid(utf8: UnsafeBufferPointer(rebasing: buffer[offsets[text]..<offsets[text + 1]]))
            }
        }
        if let text = invalid {
            let bar = bars[text / 8]
            let value = String(decoding: scratch[offsets[text]..<offsets[text + 1]], as: UTF8.self)
            throw WriteRefusal(reason: bar.malformedDecimalMessage(field: text % 8, text: value))
        }
    }

    private mutating func append(_ text: String, at index: Int) {
        offsets[index] = scratch.count
        scratch.append(contentsOf: text.utf8)
    }

    /// Binds `bar` as row `row` of `statement` (parameters `12 × row + 1 …`), its texts read from `base` as
    /// laid out by `fill` for the same row.
    private func bind(
        _ statement: RawStatement, _ bar: Bar, _ seriesID: Int64, _ base: UnsafePointer<UInt8>, row: Int
    ) {
        let first = Int32(row * 12)
        statement.bind(first + 1, seriesID)
        statement.bind(first + 2, bar.openTime)
        statement.bind(first + 8, bar.closeTime)
        statement.bind(first + 10, bar.trades)
        for (index, parameter) in Self.textParameters.enumerated() {
            let text = row * 8 + index
            statement.bindNoCopy(first + parameter, base + offsets[text], count: offsets[text + 1] - offsets[text])
        }
    }
}
