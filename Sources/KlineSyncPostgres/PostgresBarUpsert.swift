import KlineSyncCore
import Logging
import PostgresNIO

/// The bulk bar write path: one `INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE … WHERE <a column
/// differs> RETURNING xmax = 0` per chunk of up to `chunkSize` bars, each column sent as one binary array.
///
/// One statement tells the three outcomes apart: a returned row with `xmax = 0` was inserted, any other returned
/// row was updated, and a bar that returned no row was already stored unchanged (the `WHERE` skipped it). The
/// statement sums them server-side and returns a single row.
///
/// `ON CONFLICT DO UPDATE` cannot touch a row twice in one statement, so a write that carries the same open time
/// more than once is applied in rounds: the first occurrence of every open time, then the second, and so on, which
/// gives the SQLite store's counts (the later bar wins; it is an update when it differs from the earlier one).
enum PostgresBarUpsert {
    /// Bars per statement: large enough that round trips do not matter, small enough to bound a message (~1 MB).
    static let chunkSize = 8_192

    private static let sql = """
        WITH upserted AS (
            INSERT INTO bars AS b (series_id, open_time, open, high, low, close, volume, close_time, quote_volume,
                trades, taker_buy_base, taker_buy_quote)
            SELECT $1::bigint, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::bigint[], $9::text[], $10::bigint[], $11::text[], $12::text[])
            ON CONFLICT (series_id, open_time) DO UPDATE SET open = excluded.open, high = excluded.high,
                low = excluded.low, close = excluded.close, volume = excluded.volume,
                close_time = excluded.close_time, quote_volume = excluded.quote_volume, trades = excluded.trades,
                taker_buy_base = excluded.taker_buy_base, taker_buy_quote = excluded.taker_buy_quote
            WHERE (b.open, b.high, b.low, b.close, b.volume, b.close_time, b.quote_volume, b.trades,
                    b.taker_buy_base, b.taker_buy_quote)
                IS DISTINCT FROM (excluded.open, excluded.high, excluded.low, excluded.close, excluded.volume,
                    excluded.close_time, excluded.quote_volume, excluded.trades, excluded.taker_buy_base,
                    excluded.taker_buy_quote)
            RETURNING xmax = 0 AS inserted)
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
        """

    /// Writes `bars` into the series and counts inserted, updated and unchanged bars.
    static func upsert(_ bars: [Bar], seriesID: Int64, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> WriteCounts
    {
        var counts = WriteCounts()
        for round in rounds(bars) {
            var start = round.startIndex
            while start < round.endIndex {
                let end = min(start + chunkSize, round.endIndex)
                counts = counts + (try await upsert(round[start..<end], seriesID: seriesID, connection, logger))
                start = end
            }
        }
        return counts
    }

    /// One statement for `chunk` (distinct open times).
    private static func upsert(
        _ chunk: ArraySlice<Bar>, seriesID: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> WriteCounts {
        let columns = BarColumns(chunk)
        var binds = PostgresBindings(capacity: 12)
        binds.append(seriesID)
        binds.append(columns.openTime)
        binds.append(columns.open)
        binds.append(columns.high)
        binds.append(columns.low)
        binds.append(columns.close)
        binds.append(columns.volume)
        binds.append(columns.closeTime)
        binds.append(columns.quoteVolume)
        binds.append(columns.trades)
        binds.append(columns.takerBuyBase)
        binds.append(columns.takerBuyQuote)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var inserted = 0
        var updated = 0
        for try await (i, u) in rows.decode((Int64, Int64).self) {
            inserted = Int(i)
            updated = Int(u)
        }
        return WriteCounts(inserted: inserted, updated: updated, unchanged: chunk.count - inserted - updated)
    }

    /// `bars` cut into rounds of distinct open times, in order; a single round (no copy) when they are distinct.
    static func rounds(_ bars: [Bar]) -> [ArraySlice<Bar>] {
        var ascending = true
        for index in bars.indices.dropFirst() where bars[index].openTime <= bars[index - 1].openTime {
            ascending = false
            break
        }
        if ascending { return [bars[...]] }
        var seen: [Int64: Int] = [:]
        var rounds: [[Bar]] = []
        for bar in bars {
            let round = seen[bar.openTime, default: 0]
            seen[bar.openTime] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(bar)
        }
        return rounds.map { $0[...] }
    }
}
