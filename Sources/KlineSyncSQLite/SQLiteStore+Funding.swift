import GRDB
import KlineSyncCore

extension SQLiteStore {
    /// Funding summaries of every symbol on `market` with a `funding_series` row, from its maintained counters (no
    /// scan of `funding_events`). Sorted by symbol. A version-1 file has none.
    public func fundingSummaries(market: Market) async throws -> [FundingSummary] {
        if isLegacy { return [] }
        return try await read("read the funding summaries of \(market.rawValue)") { db in
            let statement = try RawStatement(
                db,
                sql: """
                    SELECT symbol, event_count, first_funding_time, last_funding_time, checked_from, checked_until
                    FROM funding_series
                    WHERE exchange = ?1 AND market = ?2 ORDER BY symbol
                    """)
            statement.bind(1, Market.exchangeName)
            statement.bind(2, market.rawValue)
            var summaries: [FundingSummary] = []
            while try statement.step() {
                summaries.append(
                    FundingSummary(
                        market: market, symbol: statement.text(0), count: statement.int64(1),
                        firstFundingTime: statement.optionalInt64(2), lastFundingTime: statement.optionalInt64(3),
                        checked: Self.range(statement.optionalInt64(4), statement.optionalInt64(5))))
            }
            return summaries
        }
    }

    /// The stored funding events of a symbol in ascending funding time, optionally only those in `range`. A
    /// version-1 file has none.
    public func fundingRates(market: Market, symbol: String, in range: TimeRange?) async throws -> [FundingRate] {
        if isLegacy { return [] }
        return try await read("read the funding rates of \(market.rawValue) \(symbol)") { db in
            let statement = try RawStatement(
                db,
                sql: """
                    SELECT e.funding_time, e.rate, e.mark_price
                    FROM funding_events e JOIN funding_series f ON f.id = e.series_id
                    WHERE f.exchange = ?1 AND f.market = ?2 AND f.symbol = ?3
                        AND e.funding_time >= ?4 AND e.funding_time < ?5
                    ORDER BY e.funding_time
                    """)
            statement.bind(1, Market.exchangeName)
            statement.bind(2, market.rawValue)
            statement.bind(3, symbol)
            statement.bind(4, range?.start ?? .min)
            statement.bind(5, range?.end ?? .max)
            var rates: [FundingRate] = []
            while try statement.step() {
                rates.append(
                    FundingRate(
                        fundingTime: statement.int64(0), rate: statement.text(1),
                        markPrice: statement.optionalText(2)))
            }
            return rates
        }
    }

    /// Applies a symbol's funding write inside its transaction: deletes `deleteRanges`, upserts the events
    /// (inserted, updated when the stored event differs, unchanged when identical; the later of two events with one
    /// funding time wins), then refreshes the maintained counters.
    static func apply(_ funding: FundingWrite, market: Market, symbol: String, _ db: Database) throws -> WriteCounts {
        let insertSeries = try RawStatement(
            db,
            sql: """
                INSERT INTO funding_series (exchange, market, symbol) VALUES (?1, ?2, ?3)
                ON CONFLICT (exchange, market, symbol) DO NOTHING
                """)
        let selectSeries = try RawStatement(
            db, sql: "SELECT id FROM funding_series WHERE exchange = ?1 AND market = ?2 AND symbol = ?3")
        for statement in [insertSeries, selectSeries] {
            statement.bind(1, Market.exchangeName)
            statement.bind(2, market.rawValue)
            statement.bind(3, symbol)
        }
        _ = try insertSeries.execute()
        guard try selectSeries.step() else {
            throw WriteRefusal(reason: "funding of \(symbol): its row could not be created")
        }
        let seriesID = selectSeries.int64(0)
        selectSeries.reset()
        var counts = WriteCounts()

        let delete = try RawStatement(
            db, sql: "DELETE FROM funding_events WHERE series_id = ?1 AND funding_time >= ?2 AND funding_time < ?3")
        for range in funding.deleteRanges {
            delete.bind(1, seriesID)
            delete.bind(2, range.start)
            delete.bind(3, range.end)
            counts.deleted += try delete.execute()
        }

        let insert = try RawStatement(
            db,
            sql: """
                INSERT INTO funding_events (series_id, funding_time, rate, mark_price) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (series_id, funding_time) DO NOTHING
                """)
        let update = try RawStatement(
            db,
            sql: """
                UPDATE funding_events SET rate = ?3, mark_price = ?4
                WHERE series_id = ?1 AND funding_time = ?2 AND (rate IS NOT ?3 OR mark_price IS NOT ?4)
                """)
        for rate in funding.rates {
            for statement in [insert, update] {
                statement.bind(1, seriesID)
                statement.bind(2, rate.fundingTime)
                statement.bind(3, rate.rate)
                statement.bind(4, rate.markPrice)
            }
            if try insert.execute() == 1 {
                counts.inserted += 1
            } else if try update.execute() == 1 {
                counts.updated += 1
            } else {
                counts.unchanged += 1
            }
        }

        if counts.inserted > 0 || counts.deleted > 0 {
            let statement = try RawStatement(
                db,
                sql: """
                    UPDATE funding_series SET event_count = event_count + ?2,
                        first_funding_time = (SELECT MIN(funding_time) FROM funding_events WHERE series_id = ?1),
                        last_funding_time = (SELECT MAX(funding_time) FROM funding_events WHERE series_id = ?1)
                    WHERE id = ?1
                    """)
            statement.bind(1, seriesID)
            statement.bind(2, Int64(counts.inserted - counts.deleted))
            _ = try statement.execute()
        }
        if let checked = funding.checked {
            // FundingWrite.checkedRange(after:) in SQL: the union when the ranges touch, else the new one.
            let statement = try RawStatement(
                db,
                sql: """
                    UPDATE funding_series SET
                        checked_from = CASE WHEN checked_from IS NULL OR checked_until < ?2 OR checked_from > ?3
                            THEN ?2 ELSE MIN(checked_from, ?2) END,
                        checked_until = CASE WHEN checked_from IS NULL OR checked_until < ?2 OR checked_from > ?3
                            THEN ?3 ELSE MAX(checked_until, ?3) END
                    WHERE id = ?1
                    """)
            statement.bind(1, seriesID)
            statement.bind(2, checked.start)
            statement.bind(3, checked.end)
            _ = try statement.execute()
        }
        return counts
    }

    /// A checked range from its two columns, nil unless both are set.
    static func range(_ from: Int64?, _ until: Int64?) -> TimeRange? {
        guard let from, let until else { return nil }
        return TimeRange(start: from, end: until)
    }
}
