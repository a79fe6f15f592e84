import KlineSyncCore
import PostgresNIO

extension PostgresStore {
    /// Funding summaries of every symbol on `market` with a `funding_series` row, from its maintained counters (no
    /// scan of `funding_events`). Sorted by symbol. A version-1 schema has none.
    public func fundingSummaries(market: Market) async throws -> [FundingSummary] {
        if isLegacy { return [] }
        let logger = self.logger
        return try await withConnection("read the funding summaries of \(market.rawValue)") { connection in
            let rows = try await connection.query(
                """
                SELECT symbol, event_count, first_funding_time, last_funding_time, checked_from, checked_until
                FROM funding_series
                WHERE exchange = \(Market.exchangeName) AND market = \(market.rawValue) ORDER BY symbol
                """, logger: logger)
            var summaries: [FundingSummary] = []
            for try await (symbol, count, first, last, from, until) in rows.decode(
                (String, Int64, Int64?, Int64?, Int64?, Int64?).self)
            {
                let checked = from.flatMap { from in until.map { TimeRange(start: from, end: $0) } }
                summaries.append(
                    FundingSummary(
                        market: market, symbol: symbol, count: count, firstFundingTime: first, lastFundingTime: last,
                        checked: checked))
            }
            return summaries
        }
    }

    /// The stored funding events of a symbol in ascending funding time, optionally only those in `range`, as the
    /// text that was stored. A version-1 schema has none.
    public func fundingRates(market: Market, symbol: String, in range: TimeRange?) async throws -> [FundingRate] {
        if isLegacy { return [] }
        let logger = self.logger
        let start = range?.start ?? .min
        let end = range?.end ?? .max
        return try await withConnection("read the funding rates of \(market.rawValue) \(symbol)") { connection in
            let rows = try await connection.query(
                """
                SELECT e.funding_time, e.rate, e.mark_price
                FROM funding_events e JOIN funding_series f ON f.id = e.series_id
                WHERE f.exchange = \(Market.exchangeName) AND f.market = \(market.rawValue) AND f.symbol = \(symbol)
                    AND e.funding_time >= \(start) AND e.funding_time < \(end)
                ORDER BY e.funding_time
                """, logger: logger)
            var rates: [FundingRate] = []
            for try await (time, rate, mark) in rows.decode((Int64, String, String?).self) {
                rates.append(FundingRate(fundingTime: time, rate: rate, markPrice: mark))
            }
            return rates
        }
    }

    /// Applies a symbol's funding write inside its transaction: deletes `deleteRanges`, upserts the events with one
    /// `INSERT … ON CONFLICT DO UPDATE … WHERE <differs> RETURNING xmax = 0` per round of distinct funding times
    /// (as `PostgresBarUpsert` does for bars: the later of two events with one time wins), then refreshes the
    /// maintained counters.
    static func applyFunding(
        _ funding: FundingWrite, market: Market, symbol: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> WriteCounts {
        try await connection.query(
            """
            INSERT INTO funding_series (exchange, market, symbol)
            VALUES (\(Market.exchangeName), \(market.rawValue), \(symbol))
            ON CONFLICT (exchange, market, symbol) DO NOTHING
            """, logger: logger)
        var seriesID: Int64?
        let ids = try await connection.query(
            """
            SELECT id FROM funding_series
            WHERE exchange = \(Market.exchangeName) AND market = \(market.rawValue) AND symbol = \(symbol)
            """, logger: logger)
        for try await id in ids.decode(Int64.self) { seriesID = id }
        guard let seriesID else { throw WriteRefusal(reason: "funding of \(symbol): its row could not be created") }
        var counts = WriteCounts()

        if !funding.deleteRanges.isEmpty {
            let starts = funding.deleteRanges.map(\.start)
            let ends = funding.deleteRanges.map(\.end)
            let rows = try await connection.query(
                """
                WITH deleted AS (
                    DELETE FROM funding_events e
                    USING unnest(\(starts)::bigint[], \(ends)::bigint[]) AS r (start_time, end_time)
                    WHERE e.series_id = \(seriesID) AND e.funding_time >= r.start_time AND e.funding_time < r.end_time
                    RETURNING 1)
                SELECT count(*) FROM deleted
                """, logger: logger)
            for try await deleted in rows.decode(Int64.self) { counts.deleted += Int(deleted) }
        }

        for round in rounds(funding.rates) {
            let times = round.map(\.fundingTime)
            let rates = round.map(\.rate)
            // An absent mark price travels as '' (never a valid decimal) and is stored as NULL.
            let marks = round.map { $0.markPrice ?? "" }
            let rows = try await connection.query(
                """
                WITH upserted AS (
                    INSERT INTO funding_events AS e (series_id, funding_time, rate, mark_price)
                    SELECT \(seriesID)::bigint, t, r, NULLIF(m, '')
                    FROM unnest(\(times)::bigint[], \(rates)::text[], \(marks)::text[]) AS u (t, r, m)
                    ON CONFLICT (series_id, funding_time) DO UPDATE SET rate = excluded.rate,
                        mark_price = excluded.mark_price
                    WHERE (e.rate, e.mark_price) IS DISTINCT FROM (excluded.rate, excluded.mark_price)
                    RETURNING xmax = 0 AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
                """, logger: logger)
            for try await (inserted, updated) in rows.decode((Int64, Int64).self) {
                counts.inserted += Int(inserted)
                counts.updated += Int(updated)
                counts.unchanged += round.count - Int(inserted) - Int(updated)
            }
        }

        if counts.inserted > 0 || counts.deleted > 0 {
            let change = Int64(counts.inserted - counts.deleted)
            try await connection.query(
                """
                UPDATE funding_series SET event_count = event_count + \(change),
                    first_funding_time = (SELECT min(funding_time) FROM funding_events WHERE series_id = \(seriesID)),
                    last_funding_time = (SELECT max(funding_time) FROM funding_events WHERE series_id = \(seriesID))
                WHERE id = \(seriesID)
                """, logger: logger)
        }
        if let checked = funding.checked {
            // FundingWrite.checkedRange(after:) in SQL: the union when the ranges touch, else the new one.
            let (from, until) = (checked.start, checked.end)
            try await connection.query(
                """
                UPDATE funding_series SET
                    checked_from = CASE WHEN checked_from IS NULL OR checked_until < \(from) OR checked_from > \(until)
                        THEN \(from) ELSE least(checked_from, \(from)) END,
                    checked_until = CASE WHEN checked_from IS NULL OR checked_until < \(from) OR checked_from > \(until)
                        THEN \(until) ELSE greatest(checked_until, \(until)) END
                WHERE id = \(seriesID)
                """, logger: logger)
        }
        return counts
    }

    /// `rates` cut into rounds of distinct funding times, in order (the first occurrence of every time, then the
    /// second, …).
    private static func rounds(_ rates: [FundingRate]) -> [[FundingRate]] {
        var seen: [Int64: Int] = [:]
        var rounds: [[FundingRate]] = []
        for rate in rates {
            let round = seen[rate.fundingTime, default: 0]
            seen[rate.fundingTime] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(rate)
        }
        return rounds
    }
}
