import KlineSyncCore
import Logging
import PostgresNIO

/// The bulk bar write path for long writes, batch by batch, with `COPY … FROM STDIN` (the server's fastest way in:
/// no per-row parameters, no per-statement round trip).
///
/// A batch whose open times ascend and whose range holds no stored bar of the series (a backfill, a new series, the
/// archive's months) is copied straight into `bars`: every bar is inserted. Any other batch is copied into a
/// session-local staging table and merged by one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE <a column
/// differs> RETURNING xmax = 0`, which keeps `PostgresBarUpsert`'s semantics and counts: a returned row with
/// `xmax = 0` was inserted, any other returned row updated, a bar that returned none was stored unchanged. A batch
/// that carries an open time more than once is merged in rounds (the first occurrence of every open time, then the
/// second, …), as the upsert does. Batches are written in order inside the symbol's transaction, so a later batch
/// sees the bars of earlier ones.
struct PostgresBarCopy {
    let seriesID: Int64
    let connection: PostgresConnection
    let logger: Logger
    /// Bars staged, and whether their open times strictly ascend (then no open time repeats).
    private(set) var staged = 0
    private(set) var ascending = true

    /// The staging table: one per session, emptied at every commit and before each batch it stages.
    static let create = """
        CREATE TEMPORARY TABLE IF NOT EXISTS klinesync_bars_stage (
            seq bigint GENERATED ALWAYS AS IDENTITY, open_time bigint NOT NULL, open text NOT NULL,
            high text NOT NULL, low text NOT NULL, close text NOT NULL, volume text NOT NULL, close_time bigint NOT NULL,
            quote_volume text NOT NULL, trades bigint NOT NULL, taker_buy_base text NOT NULL,
            taker_buy_quote text NOT NULL
        ) ON COMMIT DELETE ROWS
        """

    /// Writes of at least this many bars take the COPY path; shorter ones (an incremental step) are one statement.
    static let threshold = 1_000

    static let columns = [
        "open_time", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "trades",
        "taker_buy_base", "taker_buy_quote",
    ]

    /// Writes one batch of a series (decimals already checked) and counts what changed.
    static func write(_ bars: [Bar], seriesID: Int64, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> WriteCounts
    {
        guard let first = bars.first, let last = bars.last else { return WriteCounts() }
        var ascending = true
        for index in bars.indices.dropFirst() where bars[index].openTime <= bars[index - 1].openTime {
            ascending = false
            break
        }
        if ascending {
            let rows = try await connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM bars WHERE series_id = \(seriesID)
                    AND open_time >= \(first.openTime) AND open_time <= \(last.openTime))
                """, logger: logger)
            var overlaps = true
            for try await exists in rows.decode(Bool.self) { overlaps = exists }
            if !overlaps {
                try await copy(bars, into: "bars", seriesID: seriesID, connection, logger)
                return WriteCounts(inserted: bars.count)
            }
        }
        try await connection.query(PostgresQuery(unsafeSQL: create), logger: logger)
        try await connection.query("TRUNCATE klinesync_bars_stage", logger: logger)
        try await copy(bars, into: "klinesync_bars_stage", seriesID: nil, connection, logger)
        let stage = PostgresBarCopy(
            seriesID: seriesID, connection: connection, logger: logger, staged: bars.count, ascending: ascending)
        return try await stage.merge()
    }

    /// Streams `bars` into `table` in COPY's text format (decimals hold only digits, `.` and `-`, so nothing needs
    /// escaping), with `seriesID` as the first column when given.
    static func copy(
        _ bars: [Bar], into table: String, seriesID: Int64?, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let columns = seriesID == nil ? Self.columns : ["series_id"] + Self.columns
        let prefix = seriesID.map { "\($0)\t" } ?? ""
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
            for bar in bars {
                buffer.writeString(prefix)
                buffer.writeString(String(bar.openTime))
                for text in [bar.open, bar.high, bar.low, bar.close, bar.volume] {
                    buffer.writeInteger(UInt8(ascii: "\t"))
                    buffer.writeString(text)
                }
                buffer.writeInteger(UInt8(ascii: "\t"))
                buffer.writeString(String(bar.closeTime))
                buffer.writeInteger(UInt8(ascii: "\t"))
                buffer.writeString(bar.quoteVolume)
                buffer.writeInteger(UInt8(ascii: "\t"))
                buffer.writeString(String(bar.trades))
                buffer.writeInteger(UInt8(ascii: "\t"))
                buffer.writeString(bar.takerBuyBaseVolume)
                buffer.writeInteger(UInt8(ascii: "\t"))
                buffer.writeString(bar.takerBuyQuoteVolume)
                buffer.writeInteger(UInt8(ascii: "\n"))
                if buffer.readableBytes >= 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    /// Merges everything staged into `bars` and counts inserted, updated and unchanged bars.
    func merge() async throws -> WriteCounts {
        guard staged > 0 else { return WriteCounts() }
        var rounds = 1
        if !ascending {
            let rows = try await connection.query(
                "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM klinesync_bars_stage GROUP BY open_time) c",
                logger: logger)
            for try await n in rows.decode(Int64.self) { rounds = Int(n) }
        }
        var inserted = 0
        var updated = 0
        for round in 1...max(1, rounds) {
            let source =
                ascending
                ? "klinesync_bars_stage"
                : "(SELECT *, row_number() OVER (PARTITION BY open_time ORDER BY seq) AS round FROM "
                    + "klinesync_bars_stage) s WHERE round = \(round)"
            let sql = """
                WITH upserted AS (
                    INSERT INTO bars AS b (series_id, open_time, open, high, low, close, volume, close_time,
                        quote_volume, trades, taker_buy_base, taker_buy_quote)
                    SELECT \(seriesID)::bigint, open_time, open, high, low, close, volume, close_time, quote_volume,
                        trades, taker_buy_base, taker_buy_quote FROM \(source)
                    ON CONFLICT (series_id, open_time) DO UPDATE SET open = excluded.open, high = excluded.high,
                        low = excluded.low, close = excluded.close, volume = excluded.volume,
                        close_time = excluded.close_time, quote_volume = excluded.quote_volume,
                        trades = excluded.trades, taker_buy_base = excluded.taker_buy_base,
                        taker_buy_quote = excluded.taker_buy_quote
                    WHERE (b.open, b.high, b.low, b.close, b.volume, b.close_time, b.quote_volume, b.trades,
                            b.taker_buy_base, b.taker_buy_quote)
                        IS DISTINCT FROM (excluded.open, excluded.high, excluded.low, excluded.close,
                            excluded.volume, excluded.close_time, excluded.quote_volume, excluded.trades,
                            excluded.taker_buy_base, excluded.taker_buy_quote)
                    RETURNING xmax = 0 AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
                """
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            for try await (i, u) in rows.decode((Int64, Int64).self) {
                inserted += Int(i)
                updated += Int(u)
            }
        }
        return WriteCounts(inserted: inserted, updated: updated, unchanged: staged - inserted - updated)
    }
}
