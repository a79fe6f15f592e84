import GRDB
import KlineSyncCore

/// The bulk bar write path: one reused `INSERT … ON CONFLICT DO NOTHING` per bar, and an
/// `UPDATE … WHERE <a column differs>` only for bars whose open time is already stored.
///
/// Not `INSERT OR IGNORE`: that would also skip rows violating CHECK and NOT NULL constraints silently, where
/// the write must fail and roll back.
///
/// `sqlite3_changes` after each statement tells the three outcomes apart: the insert changed a row (inserted),
/// else the update changed one (updated), else the stored bar was identical (unchanged). A fresh series costs one
/// statement per bar. Both statements share the parameter numbering `?1 … ?12`.
struct BarUpsert {
    private let insert: RawStatement
    private let update: RawStatement

    init(_ db: Database) throws {
        insert = try RawStatement(
            db,
            sql: """
                INSERT INTO bars (series_id, open_time, open, high, low, close, volume, close_time,
                    quote_volume, trades, taker_buy_base, taker_buy_quote)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                ON CONFLICT (series_id, open_time) DO NOTHING
                """)
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
    }

    /// Writes `bars` into the series and counts inserted, updated and unchanged bars.
    func upsert(_ bars: [Bar], seriesID: Int64) throws -> WriteCounts {
        var counts = WriteCounts()
        for bar in bars {
            Self.bind(bar, seriesID: seriesID, to: insert)
            if try insert.execute() > 0 {
                counts.inserted += 1
                continue
            }
            Self.bind(bar, seriesID: seriesID, to: update)
            if try update.execute() > 0 {
                counts.updated += 1
            } else {
                counts.unchanged += 1
            }
        }
        return counts
    }

    private static func bind(_ bar: Bar, seriesID: Int64, to statement: RawStatement) {
        statement.bind(1, seriesID)
        statement.bind(2, bar.openTime)
        statement.bind(3, bar.open)
        statement.bind(4, bar.high)
        statement.bind(5, bar.low)
        statement.bind(6, bar.close)
        statement.bind(7, bar.volume)
        statement.bind(8, bar.closeTime)
        statement.bind(9, bar.quoteVolume)
        statement.bind(10, bar.trades)
        statement.bind(11, bar.takerBuyBaseVolume)
        statement.bind(12, bar.takerBuyQuoteVolume)
    }
}
