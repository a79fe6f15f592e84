import GRDB
import KlineSyncCore

extension SQLiteStore {
    /// Summaries of every stored series on `market`, read from the `series`, `series_state` and `empty_ranges`
    /// tables only: O(series), no scan of bars. Sorted by series key.
    public func summaries(market: Market) async throws -> [SeriesSummary] {
        let path = self.path
        let operation = "read the series summaries of \(market.rawValue)"
        let dataset = isLegacy ? "'klines'" : "s.dataset"
        return try await read(operation) { db in
            let ranges = try SQLiteStore.emptyRanges(market: market, db)
            let statement = try RawStatement(
                db,
                sql: """
                    SELECT s.id, s.exchange, s.symbol, s.interval, s.bar_count, s.first_open_time, s.last_open_time,
                        st.listing_floor, \(dataset)
                    FROM series s LEFT JOIN series_state st ON st.series_id = s.id
                    WHERE s.market = ?1
                    """)
            statement.bind(1, market.rawValue)
            var summaries: [SeriesSummary] = []
            while try statement.step() {
                let intervalName = statement.text(3)
                guard let interval = Interval(name: intervalName) else {
                    statement.reset()
                    throw SQLiteStoreError.failure(
                        .corruptRow(reason: "series has unknown interval '\(intervalName)'"), path: path,
                        operation: operation)
                }
                let datasetName = statement.text(8)
                guard let dataset = Dataset(rawValue: datasetName) else {
                    statement.reset()
                    throw SQLiteStoreError.failure(
                        .corruptRow(reason: "series has unknown dataset '\(datasetName)'"), path: path,
                        operation: operation)
                }
                let key = SeriesKey(
                    exchange: statement.text(1), market: market, symbol: statement.text(2), interval: interval,
                    dataset: dataset)
                summaries.append(
                    SeriesSummary(
                        key: key, firstOpenTime: statement.optionalInt64(5), lastOpenTime: statement.optionalInt64(6),
                        barCount: statement.int64(4), listingFloor: statement.optionalInt64(7),
                        emptyRanges: ranges[statement.int64(0)] ?? []))
            }
            return summaries.sorted { $0.key < $1.key }
        }
    }

    /// Confirmed-empty ranges of every series on a market, by series id, sorted by start.
    private static func emptyRanges(market: Market, _ db: Database) throws -> [Int64: [TimeRange]] {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT e.series_id, e.start_time, e.end_time FROM empty_ranges e JOIN series s ON s.id = e.series_id
                WHERE s.market = ?1 ORDER BY e.series_id, e.start_time
                """)
        statement.bind(1, market.rawValue)
        var ranges: [Int64: [TimeRange]] = [:]
        while try statement.step() {
            let range = TimeRange(start: statement.int64(1), end: statement.int64(2))
            ranges[statement.int64(0), default: []].append(range)
        }
        return ranges
    }

    /// Interior gaps: half-open ranges `[first missing open time, next stored open time)`.
    ///
    /// Fixed intervals (including `1w`, whose grid is a fixed 7 days) are found in SQL with `LAG` over the
    /// series' primary-key range; `1M` walks the open times in Swift with `Interval.next`, as months differ in
    /// length.
    public func gaps(of key: SeriesKey) async throws -> [TimeRange] {
        let legacy = isLegacy
        return try await read("find the gaps of \(key.market.rawValue) \(key)") { db in
            guard let seriesID = try SQLiteStore.seriesID(for: key, legacy: legacy, db) else { return [] }
            var gaps: [TimeRange] = []
            if let length = key.interval.fixedMillis {
                let statement = try RawStatement(
                    db,
                    sql: """
                        SELECT previous + ?2, open_time FROM (
                            SELECT open_time, LAG(open_time) OVER (ORDER BY open_time) AS previous
                            FROM bars WHERE series_id = ?1)
                        WHERE open_time - previous > ?2
                        ORDER BY open_time
                        """)
                statement.bind(1, seriesID)
                statement.bind(2, length)
                while try statement.step() {
                    gaps.append(TimeRange(start: statement.int64(0), end: statement.int64(1)))
                }
            } else {
                let statement = try RawStatement(
                    db, sql: "SELECT open_time FROM bars WHERE series_id = ?1 ORDER BY open_time")
                statement.bind(1, seriesID)
                var expected: Int64?
                while try statement.step() {
                    let openTime = statement.int64(0)
                    if let expected, openTime > expected {
                        gaps.append(TimeRange(start: expected, end: openTime))
                    }
                    expected = key.interval.next(openTime)
                }
            }
            return gaps
        }
    }

    /// The stored bars of a series in open-time order, optionally only those opening in `range`.
    public func bars(of key: SeriesKey, in range: TimeRange?) async throws -> [Bar] {
        let legacy = isLegacy
        return try await read("read the bars of \(key.market.rawValue) \(key)") { db in
            guard let seriesID = try SQLiteStore.seriesID(for: key, legacy: legacy, db) else { return [] }
            return try SQLiteStore.fetchBars(
                seriesID: seriesID, from: range?.start ?? .min, to: range?.end ?? .max, limit: -1, db)
        }
    }

    /// Calls `body` with the series' bars in open-time order, `batchSize` at a time (keyset pagination on the
    /// open time), so the whole series is never held in memory.
    ///
    /// All batches come from one read transaction: a concurrent `apply` cannot make the batches mix two states of
    /// the series (a digest always describes bars that were stored together). Errors thrown by `body` are
    /// rethrown unchanged.
    public func forEachBatch(of key: SeriesKey, _ body: @Sendable ([Bar]) throws -> Void) async throws {
        let legacy = isLegacy
        try await read("read the bars of \(key.market.rawValue) \(key)") { db in
            guard let seriesID = try SQLiteStore.seriesID(for: key, legacy: legacy, db) else { return }
            var start = Int64.min
            while true {
                let batch = try SQLiteStore.fetchBars(
                    seriesID: seriesID, from: start, to: .max, limit: SQLiteStore.batchSize, db)
                guard let last = batch.last else { return }
                do {
                    try body(batch)
                } catch {
                    throw CallerError(error: error)
                }
                if batch.count < SQLiteStore.batchSize || last.openTime == .max { return }
                start = last.openTime + 1
            }
        }
    }

    /// Bars of a series with open times in `[start, end)`, at most `limit` (-1: all), in open-time order.
    private static func fetchBars(seriesID: Int64, from start: Int64, to end: Int64, limit: Int, _ db: Database)
        throws -> [Bar]
    {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT open_time, open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_base,
                    taker_buy_quote
                FROM bars WHERE series_id = ?1 AND open_time >= ?2 AND open_time < ?3
                ORDER BY open_time LIMIT ?4
                """)
        statement.bind(1, seriesID)
        statement.bind(2, start)
        statement.bind(3, end)
        statement.bind(4, Int64(limit))
        var bars: [Bar] = []
        if limit > 0 { bars.reserveCapacity(limit) }
        while try statement.step() {
            bars.append(
                Bar(
                    openTime: statement.int64(0), open: statement.text(1), high: statement.text(2),
                    low: statement.text(3), close: statement.text(4), volume: statement.text(5),
                    closeTime: statement.int64(6), quoteVolume: statement.text(7), trades: statement.int64(8),
                    takerBuyBaseVolume: statement.text(9), takerBuyQuoteVolume: statement.text(10)))
        }
        return bars
    }

    /// Instruments stored for a market, sorted by symbol.
    public func instruments(market: Market) async throws -> [Instrument] {
        let path = self.path
        let operation = "read the instruments of \(market.rawValue)"
        return try await read(operation) { db in
            let statement = try RawStatement(
                db,
                sql: """
                    SELECT symbol, status, raw_status, contract_type, base_asset, quote_asset, margin_asset,
                        onboard_date, delivery_date
                    FROM instruments WHERE exchange = ?1 AND market = ?2 ORDER BY symbol
                    """)
            statement.bind(1, Market.exchangeName)
            statement.bind(2, market.rawValue)
            var instruments: [Instrument] = []
            while try statement.step() {
                let statusText = statement.text(1)
                guard let status = Instrument.Status(rawValue: statusText) else {
                    let symbol = statement.text(0)
                    statement.reset()
                    throw SQLiteStoreError.failure(
                        .corruptRow(reason: "instrument \(symbol) has unknown status '\(statusText)'"), path: path,
                        operation: operation)
                }
                instruments.append(
                    Instrument(
                        symbol: statement.text(0), status: status, rawStatus: statement.text(2),
                        contractType: statement.optionalText(3), baseAsset: statement.text(4),
                        quoteAsset: statement.text(5), marginAsset: statement.optionalText(6),
                        onboardDate: statement.optionalInt64(7), deliveryDate: statement.optionalInt64(8)))
            }
            return instruments
        }
    }
}
