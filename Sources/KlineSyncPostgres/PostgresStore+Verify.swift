import KlineSyncCore
import PostgresNIO

extension PostgresStore {
    /// Recounts every series of `market` from the `bars` table against the maintained `series.bar_count`,
    /// `first_open_time` and `last_open_time`; with `repair`, rewrites those of the series that drifted, in one
    /// transaction that locks the market's series rows (a concurrent write of the same series waits for it).
    public func recount(market: Market, repair: Bool) async throws -> [SeriesRecount] {
        let operation = "\(repair ? "recount and repair" : "recount") the series of \(market.rawValue)"
        let url = displayName
        let logger = self.logger
        if repair, isReadOnly { throw PostgresStoreError.failure(.readOnly, url: url, operation: operation) }
        let begin = repair ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        let dataset = isLegacy ? "'klines'" : "s.dataset"
        return try await withTransaction(operation, begin: begin) { connection in
            if repair {
                try await connection.query(
                    "SELECT id FROM series WHERE market = \(market.rawValue) FOR UPDATE", logger: logger)
            }
            var query = PostgresQuery(
                unsafeSQL: """
                    SELECT s.id, s.exchange, s.symbol, s.interval, \(dataset), s.bar_count, s.first_open_time,
                        s.last_open_time, c.counted, c.counted_first, c.counted_last
                    FROM series s CROSS JOIN LATERAL (
                        SELECT count(*)::bigint AS counted, min(b.open_time) AS counted_first,
                            max(b.open_time) AS counted_last
                        FROM bars b WHERE b.series_id = s.id) c
                    WHERE s.market = $1
                    """)
            query.binds.append(market.rawValue)
            let rows = try await connection.query(query, logger: logger)
            var results: [(Int64, SeriesRecount)] = []
            let columns = (Int64, String, String, String, String, Int64, Int64?, Int64?, Int64, Int64?, Int64?).self
            for try await (
                id, exchange, symbol, name, datasetName, bars, first, last, counted, countedFirst, countedLast
            )
                in rows.decode(columns)
            {
                guard let interval = Interval(name: name), let dataset = Dataset(rawValue: datasetName) else {
                    throw PostgresStoreError.failure(
                        .corruptRow(reason: "series has unknown interval '\(name)' or dataset '\(datasetName)'"),
                        url: url, operation: operation)
                }
                let key = SeriesKey(
                    exchange: exchange, market: market, symbol: symbol, interval: interval, dataset: dataset)
                results.append(
                    (
                        id,
                        SeriesRecount(
                            key: key, maintained: .init(bars: bars, first: first, last: last),
                            counted: .init(bars: counted, first: countedFirst, last: countedLast))
                    ))
            }
            if repair {
                for (id, recount) in results where recount.drifted {
                    try await connection.query(
                        """
                        UPDATE series SET bar_count = \(recount.counted.bars),
                            first_open_time = \(recount.counted.first), last_open_time = \(recount.counted.last)
                        WHERE id = \(id)
                        """, logger: logger)
                }
            }
            return results.map(\.1).sorted { $0.key < $1.key }
        }
    }
}
