import Foundation
import KlineSyncCore
import PostgresNIO

extension PostgresStore {
    /// Applies everything of one symbol in one transaction; on any error nothing of it is kept.
    ///
    /// The write is checked first (symbol name, series that belong to it, ranges, decimal texts), then, per series
    /// in order: deletes `deleteRanges`, upserts bars (`PostgresBarUpsert`: inserted, updated when a stored bar differs,
    /// unchanged when identical), records the listing floor, merges the confirmed-empty ranges, then refreshes the
    /// series counters. The instrument row, when given, is upserted in the same transaction, and so is the funding
    /// write after the series (`applyFunding`; its counts come last).
    public func write(_ batch: SymbolWrite) async throws -> [WriteCounts] {
        let operation = "write \(batch.market.rawValue) \(batch.symbol)"
        try checkOpen(operation)
        if isReadOnly { throw PostgresStoreError.failure(.readOnly, url: displayName, operation: operation) }
        do {
            try batch.validate()
        } catch {
            throw PostgresStoreError.failure(
                .invalidWrite(reason: error.reason), url: displayName, operation: operation)
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let logger = self.logger
        let locks = self.locks
        let lockName = "\(batch.market.rawValue):\(batch.symbol)"
        let url = displayName
        let counts = try await withTransaction(operation) { connection in
            if let instrument = batch.instrument {
                try await Self.upsert(instrument, market: batch.market, seenAt: now, connection, logger)
            }
            var counts: [WriteCounts] = []
            for series in batch.series {
                counts.append(try await Self.apply(series, connection, logger))
            }
            if let funding = batch.funding {
                counts.append(
                    try await Self.applyFunding(
                        funding, market: batch.market, symbol: batch.symbol, connection, logger))
            }
            // Committed only while the symbol's lock (when this store took one) is still held.
            if let locks, await locks.isLost(lockName) {
                throw PostgresStoreError.lockLost(url: url, operation: operation)
            }
            return counts
        }
        return counts
    }

    /// Inserts or updates a run record.
    public func recordRun(_ run: RunRecord) async throws {
        let operation = "record run \(run.id)"
        if isReadOnly { throw PostgresStoreError.failure(.readOnly, url: displayName, operation: operation) }
        let logger = self.logger
        try await withConnection(operation) { connection in
            try await connection.query(
                """
                INSERT INTO runs (id, manifest_digest, started_at, finished_at, status, report)
                VALUES (\(run.id), \(run.manifestDigest), \(run.startedAt), \(run.finishedAt), \(run.status),
                    \(run.report))
                ON CONFLICT (id) DO UPDATE SET manifest_digest = excluded.manifest_digest,
                    started_at = excluded.started_at, finished_at = excluded.finished_at,
                    status = excluded.status, report = excluded.report
                """, logger: logger)
        }
    }

    /// Applies one series inside the symbol's transaction.
    private static func apply(_ series: SeriesWrite, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> WriteCounts
    {
        let seriesID = try await seriesID(for: series.key, creating: true, legacy: false, connection, logger)!
        var counts = WriteCounts()

        if !series.deleteRanges.isEmpty {
            let starts = series.deleteRanges.map(\.start)
            let ends = series.deleteRanges.map(\.end)
            let rows = try await connection.query(
                """
                WITH deleted AS (
                    DELETE FROM bars b USING unnest(\(starts)::bigint[], \(ends)::bigint[]) AS r (start_time, end_time)
                    WHERE b.series_id = \(seriesID) AND b.open_time >= r.start_time AND b.open_time < r.end_time
                    RETURNING 1)
                SELECT count(*) FROM deleted
                """, logger: logger)
            for try await deleted in rows.decode(Int64.self) { counts.deleted += Int(deleted) }
        }

        // Malformed decimals are refused batch by batch, inside the transaction, which then rolls back. A few bars
        // go in as one statement; more are streamed with COPY (`PostgresBarCopy`).
        if series.barCount < PostgresBarCopy.threshold {
            var batches = series.barBatches()
            while let batch = try batches.next() {
                if let problem = Bar.firstMalformedDecimal(in: batch) {
                    throw WriteRefusal(reason: "series \(series.key): \(problem)")
                }
                counts = counts + (try await PostgresBarUpsert.upsert(batch, seriesID: seriesID, connection, logger))
                BoundedWait.touch()
            }
        } else {
            var batches = series.barBatches(batchSize: 65_536)
            while let batch = try batches.next() {
                if let problem = Bar.firstMalformedDecimal(in: batch) {
                    throw WriteRefusal(reason: "series \(series.key): \(problem)")
                }
                counts = counts + (try await PostgresBarCopy.write(batch, seriesID: seriesID, connection, logger))
                BoundedWait.touch()
            }
        }

        if let floor = series.listingFloor {
            try await connection.query(
                """
                INSERT INTO series_state (series_id, listing_floor) VALUES (\(seriesID), \(floor))
                ON CONFLICT (series_id) DO UPDATE SET listing_floor = excluded.listing_floor
                """, logger: logger)
        }

        if !series.emptyRanges.isEmpty {
            try await mergeEmptyRanges(series.emptyRanges, seriesID: seriesID, connection, logger)
        }

        if counts.inserted > 0 || counts.deleted > 0 {
            let change = Int64(counts.inserted - counts.deleted)
            try await connection.query(
                """
                UPDATE series SET bar_count = bar_count + \(change),
                    first_open_time = (SELECT min(open_time) FROM bars WHERE series_id = \(seriesID)),
                    last_open_time = (SELECT max(open_time) FROM bars WHERE series_id = \(seriesID))
                WHERE id = \(seriesID)
                """, logger: logger)
        }
        return counts
    }

    /// The row id of a series; with `creating`, the row is made when missing. A `legacy` (version-1) schema has
    /// trade klines only and no dataset column.
    ///
    /// Two statements, not one `INSERT … RETURNING`: a row another transaction inserted concurrently is only
    /// visible to a statement that starts after that transaction committed (READ COMMITTED).
    static func seriesID(
        for key: SeriesKey, creating: Bool = false, legacy: Bool, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Int64? {
        let market = key.market.rawValue
        let interval = key.interval.name
        let dataset = key.dataset.rawValue
        if legacy {
            guard key.dataset == .klines else { return nil }
            let rows = try await connection.query(
                """
                SELECT id FROM series
                WHERE exchange = \(key.exchange) AND market = \(market) AND symbol = \(key.symbol)
                    AND interval = \(interval)
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { return id }
            return nil
        }
        if creating {
            try await connection.query(
                """
                INSERT INTO series (exchange, market, symbol, interval, dataset)
                VALUES (\(key.exchange), \(market), \(key.symbol), \(interval), \(dataset))
                ON CONFLICT (exchange, market, symbol, interval, dataset) DO NOTHING
                """, logger: logger)
        }
        let rows = try await connection.query(
            """
            SELECT id FROM series
            WHERE exchange = \(key.exchange) AND market = \(market) AND symbol = \(key.symbol)
                AND interval = \(interval) AND dataset = \(dataset)
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        return nil
    }

    /// Replaces the series' confirmed-empty ranges with the union of the stored and the new ones.
    private static func mergeEmptyRanges(
        _ ranges: [TimeRange], seriesID: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        var all = ranges
        let rows = try await connection.query(
            "SELECT start_time, end_time FROM empty_ranges WHERE series_id = \(seriesID) FOR UPDATE",
            logger: logger)
        for try await (start, end) in rows.decode((Int64, Int64).self) {
            all.append(TimeRange(start: start, end: end))
        }
        let merged = TimeRange.merged(all)
        let starts = merged.map(\.start)
        let ends = merged.map(\.end)
        try await connection.query("DELETE FROM empty_ranges WHERE series_id = \(seriesID)", logger: logger)
        try await connection.query(
            """
            INSERT INTO empty_ranges (series_id, start_time, end_time)
            SELECT \(seriesID), * FROM unnest(\(starts)::bigint[], \(ends)::bigint[])
            """, logger: logger)
    }

    /// Inserts or refreshes the instrument row.
    private static func upsert(
        _ instrument: Instrument, market: Market, seenAt: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO instruments (exchange, market, symbol, status, raw_status, contract_type, base_asset,
                quote_asset, margin_asset, onboard_date, delivery_date, last_seen)
            VALUES (\(Market.exchangeName), \(market.rawValue), \(instrument.symbol), \(instrument.status.rawValue),
                \(instrument.rawStatus), \(instrument.contractType), \(instrument.baseAsset),
                \(instrument.quoteAsset), \(instrument.marginAsset), \(instrument.onboardDate),
                \(instrument.deliveryDate), \(seenAt))
            ON CONFLICT (exchange, market, symbol) DO UPDATE SET status = excluded.status,
                raw_status = excluded.raw_status, contract_type = excluded.contract_type,
                base_asset = excluded.base_asset, quote_asset = excluded.quote_asset,
                margin_asset = excluded.margin_asset, onboard_date = excluded.onboard_date,
                delivery_date = excluded.delivery_date, last_seen = excluded.last_seen
            """, logger: logger)
    }
}
