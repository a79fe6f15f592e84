import GRDB
import KlineSyncCore

extension SQLiteStore {
    /// Recounts every series of `market` from the `bars` table (one indexed range scan per series) against the
    /// maintained `series.bar_count`, `first_open_time` and `last_open_time`; with `repair`, rewrites those of the
    /// series that drifted, in one IMMEDIATE transaction (a read-only store refuses the repair).
    public func recount(market: Market, repair: Bool) async throws -> [SeriesRecount] {
        let path = self.path
        let operation = "\(repair ? "recount and repair" : "recount") the series of \(market.rawValue)"
        let dataset = isLegacy ? "'klines'" : "s.dataset"
        let body: @Sendable (Database) throws -> [SeriesRecount] = { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.id, s.exchange, s.symbol, s.interval, \(dataset) AS dataset, s.bar_count,
                        s.first_open_time, s.last_open_time,
                        (SELECT COUNT(*) FROM bars b WHERE b.series_id = s.id) AS counted,
                        (SELECT MIN(open_time) FROM bars b WHERE b.series_id = s.id) AS counted_first,
                        (SELECT MAX(open_time) FROM bars b WHERE b.series_id = s.id) AS counted_last
                    FROM series s WHERE s.market = ?
                    """, arguments: [market.rawValue])
            var results: [SeriesRecount] = []
            for row in rows {
                let name: String = row["interval"]
                guard let interval = Interval(name: name) else {
                    throw SQLiteStoreError.failure(
                        .corruptRow(reason: "series has unknown interval '\(name)'"), path: path, operation: operation)
                }
                let datasetName: String = row["dataset"]
                guard let dataset = Dataset(rawValue: datasetName) else {
                    throw SQLiteStoreError.failure(
                        .corruptRow(reason: "series has unknown dataset '\(datasetName)'"), path: path,
                        operation: operation)
                }
                let key = SeriesKey(
                    exchange: row["exchange"], market: market, symbol: row["symbol"], interval: interval,
                    dataset: dataset)
                let recount = SeriesRecount(
                    key: key,
                    maintained: .init(
                        bars: row["bar_count"], first: row["first_open_time"], last: row["last_open_time"]),
                    counted: .init(bars: row["counted"], first: row["counted_first"], last: row["counted_last"]))
                if repair, recount.drifted {
                    try db.execute(
                        sql: "UPDATE series SET bar_count = ?, first_open_time = ?, last_open_time = ? WHERE id = ?",
                        arguments: [
                            recount.counted.bars, recount.counted.first, recount.counted.last, row["id"] as Int64,
                        ])
                }
                results.append(recount)
            }
            return results.sorted { $0.key < $1.key }
        }
        return repair ? try await write(operation, body) : try await read(operation, body)
    }
}
