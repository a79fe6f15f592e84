import Foundation
import GRDB
import KlineSyncCore

extension SQLiteStore {
    /// Applies everything of one symbol in one transaction; on any error nothing of it is kept.
    ///
    /// Per series, in order: deletes `deleteRanges`, upserts bars (inserted, updated when a stored bar differs,
    /// unchanged when identical), records the listing floor, merges the confirmed-empty ranges, then refreshes the
    /// series counters. The instrument row, when given, is upserted in the same transaction, and so is the funding
    /// write after the series (its counts come last).
    public func write(_ batch: SymbolWrite) async throws -> [WriteCounts] {
        let operation = "write \(batch.market.rawValue) \(batch.symbol)"
        do {
            try batch.validate()
        } catch {
            throw SQLiteStoreError.failure(.invalidWrite(reason: error.reason), path: path, operation: operation)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try await write(operation) { db in
            if let instrument = batch.instrument {
                try SQLiteStore.upsert(instrument, market: batch.market, seenAt: now, db)
            }
            var counts: [WriteCounts] = []
            for series in batch.series {
                counts.append(try SQLiteStore.apply(series, db))
            }
            if let funding = batch.funding {
                counts.append(try SQLiteStore.apply(funding, market: batch.market, symbol: batch.symbol, db))
            }
            return counts
        }
    }

    /// Refreshes the instruments of a market in one transaction; stored symbols the exchange no longer lists are
    /// marked delisted.
    public func saveInstruments(_ instruments: [Instrument], market: Market) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let valid = instruments.filter { Instrument.isValidSymbol($0.symbol) }
        try await write("save \(valid.count) \(market.rawValue) instruments") { db in
            for instrument in valid { try SQLiteStore.upsert(instrument, market: market, seenAt: now, db) }
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS listed (symbol TEXT PRIMARY KEY)")
            try db.execute(sql: "DELETE FROM temp.listed")
            for instrument in valid {
                try db.execute(sql: "INSERT OR IGNORE INTO temp.listed VALUES (?)", arguments: [instrument.symbol])
            }
            try db.execute(
                sql: """
                    UPDATE instruments SET status = 'delisted'
                    WHERE exchange = ? AND market = ? AND status <> 'delisted'
                      AND symbol NOT IN (SELECT symbol FROM temp.listed)
                    """, arguments: [Market.exchangeName, market.rawValue])
            try db.execute(sql: "DELETE FROM temp.listed")
        }
    }

    /// Inserts or updates a run record.
    public func recordRun(_ run: RunRecord) async throws {
        try await write("record run \(run.id)") { db in
            let statement = try RawStatement(
                db,
                sql: """
                    INSERT INTO runs (id, manifest_digest, started_at, finished_at, status, report)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                    ON CONFLICT (id) DO UPDATE SET manifest_digest = excluded.manifest_digest,
                        started_at = excluded.started_at, finished_at = excluded.finished_at,
                        status = excluded.status, report = excluded.report
                    """)
            statement.bind(1, run.id)
            statement.bind(2, run.manifestDigest)
            statement.bind(3, run.startedAt)
            statement.bind(4, run.finishedAt)
            statement.bind(5, run.status)
            statement.bind(6, run.report)
            try statement.execute()
        }
    }

    /// Applies one series inside the symbol's transaction.
    private static func apply(_ series: SeriesWrite, _ db: Database) throws -> WriteCounts {
        guard let seriesID = try seriesID(for: series.key, creating: true, legacy: false, db) else {
            throw WriteRefusal(reason: "series \(series.key): its row could not be created")
        }
        var counts = WriteCounts()

        if !series.deleteRanges.isEmpty {
            let delete = try RawStatement(
                db, sql: "DELETE FROM bars WHERE series_id = ?1 AND open_time >= ?2 AND open_time < ?3")
            for range in series.deleteRanges {
                delete.bind(1, seriesID)
                delete.bind(2, range.start)
                delete.bind(3, range.end)
                counts.deleted += try delete.execute()
            }
        }

        if series.barCount > 0 {
            var upsert = try SQLiteBarUpsert(db)
            var batches = series.barBatches()
            do {
                while let batch = try batches.next() {
                    counts = counts + (try upsert.upsert(batch, seriesID: seriesID))
                }
            } catch let refusal as WriteRefusal {
                throw WriteRefusal(reason: "series \(series.key): \(refusal.reason)")
            }
        }

        if let floor = series.listingFloor {
            let statement = try RawStatement(
                db,
                sql: """
                    INSERT INTO series_state (series_id, listing_floor) VALUES (?1, ?2)
                    ON CONFLICT (series_id) DO UPDATE SET listing_floor = excluded.listing_floor
                    """)
            statement.bind(1, seriesID)
            statement.bind(2, floor)
            try statement.execute()
        }

        if !series.emptyRanges.isEmpty {
            try mergeEmptyRanges(series.emptyRanges, seriesID: seriesID, db)
        }

        if counts.inserted > 0 || counts.deleted > 0 {
            let statement = try RawStatement(
                db,
                sql: """
                    UPDATE series SET bar_count = bar_count + ?2,
                        first_open_time = (SELECT MIN(open_time) FROM bars WHERE series_id = ?1),
                        last_open_time = (SELECT MAX(open_time) FROM bars WHERE series_id = ?1)
                    WHERE id = ?1
                    """)
            statement.bind(1, seriesID)
            statement.bind(2, Int64(counts.inserted - counts.deleted))
            try statement.execute()
        }
        return counts
    }

    /// The row id of a series; with `creating`, the row is made when missing. A `legacy` (version-1) file has trade
    /// klines only and no dataset column.
    static func seriesID(for key: SeriesKey, creating: Bool = false, legacy: Bool, _ db: Database) throws -> Int64? {
        if legacy && key.dataset != .klines { return nil }
        if creating {
            let insert = try RawStatement(
                db,
                sql: """
                    INSERT INTO series (exchange, market, symbol, interval, dataset) VALUES (?1, ?2, ?3, ?4, ?5)
                    ON CONFLICT (exchange, market, symbol, interval, dataset) DO NOTHING
                    """)
            bind(key, to: insert)
            try insert.execute()
        }
        let select = try RawStatement(
            db,
            sql: "SELECT id FROM series WHERE exchange = ?1 AND market = ?2 AND symbol = ?3 AND interval = ?4"
                + (legacy ? "" : " AND dataset = ?5"))
        bind(key, to: select, dataset: !legacy)
        defer { select.reset() }
        return try select.step() ? select.int64(0) : nil
    }

    private static func bind(_ key: SeriesKey, to statement: RawStatement, dataset: Bool = true) {
        statement.bind(1, key.exchange)
        statement.bind(2, key.market.rawValue)
        statement.bind(3, key.symbol)
        statement.bind(4, key.interval.name)
        if dataset { statement.bind(5, key.dataset.rawValue) }
    }

    /// Replaces the series' confirmed-empty ranges with the union of the stored and the new ones.
    private static func mergeEmptyRanges(_ ranges: [TimeRange], seriesID: Int64, _ db: Database) throws {
        let select = try RawStatement(db, sql: "SELECT start_time, end_time FROM empty_ranges WHERE series_id = ?1")
        select.bind(1, seriesID)
        var all = ranges
        while try select.step() {
            all.append(TimeRange(start: select.int64(0), end: select.int64(1)))
        }
        let delete = try RawStatement(db, sql: "DELETE FROM empty_ranges WHERE series_id = ?1")
        delete.bind(1, seriesID)
        try delete.execute()
        let insert = try RawStatement(
            db, sql: "INSERT INTO empty_ranges (series_id, start_time, end_time) VALUES (?1, ?2, ?3)")
        for range in TimeRange.merged(all) {
            insert.bind(1, seriesID)
            insert.bind(2, range.start)
            insert.bind(3, range.end)
            try insert.execute()
        }
    }

    /// Inserts or refreshes the instrument row.
    private static func upsert(_ instrument: Instrument, market: Market, seenAt: Int64, _ db: Database) throws {
        let statement = try RawStatement(
            db,
            sql: """
                INSERT INTO instruments (exchange, market, symbol, status, raw_status, contract_type, base_asset,
                    quote_asset, margin_asset, onboard_date, delivery_date, last_seen)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                ON CONFLICT (exchange, market, symbol) DO UPDATE SET status = excluded.status,
                    raw_status = excluded.raw_status, contract_type = excluded.contract_type,
                    base_asset = excluded.base_asset, quote_asset = excluded.quote_asset,
                    margin_asset = excluded.margin_asset, onboard_date = excluded.onboard_date,
                    delivery_date = excluded.delivery_date, last_seen = excluded.last_seen
                """)
        statement.bind(1, Market.exchangeName)
        statement.bind(2, market.rawValue)
        statement.bind(3, instrument.symbol)
        statement.bind(4, instrument.status.rawValue)
        statement.bind(5, instrument.rawStatus)
        statement.bind(6, instrument.contractType)
        statement.bind(7, instrument.baseAsset)
        statement.bind(8, instrument.quoteAsset)
        statement.bind(9, instrument.marginAsset)
        statement.bind(10, instrument.onboardDate)
        statement.bind(11, instrument.deliveryDate)
        statement.bind(12, seenAt)
        try statement.execute()
    }
}
