import KlineSyncCore
import PostgresNIO
import Synchronization

extension PostgresStore {
    /// Summaries of every stored series on `market`, read from the `series`, `series_state` and `empty_ranges`
    /// tables only: O(series), no scan of bars. Sorted by series key.
    public func summaries(market: Market) async throws -> [SeriesSummary] {
        let operation = "read the series summaries of \(market.rawValue)"
        let url = displayName
        let logger = self.logger
        let dataset = isLegacy ? "'klines'" : "s.dataset"
        return try await withTransaction(operation, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
            connection in
            var ranges: [Int64: [TimeRange]] = [:]
            let rangeRows = try await connection.query(
                """
                SELECT e.series_id, e.start_time, e.end_time FROM empty_ranges e JOIN series s ON s.id = e.series_id
                WHERE s.market = \(market.rawValue) ORDER BY e.series_id, e.start_time
                """, logger: logger)
            for try await (id, start, end) in rangeRows.decode((Int64, Int64, Int64).self) {
                ranges[id, default: []].append(TimeRange(start: start, end: end))
            }
            var query = PostgresQuery(
                unsafeSQL: """
                    SELECT s.id, s.exchange, s.symbol, s.interval, \(dataset), s.bar_count, s.first_open_time,
                        s.last_open_time, st.listing_floor
                    FROM series s LEFT JOIN series_state st ON st.series_id = s.id
                    WHERE s.market = $1
                    """)
            query.binds.append(market.rawValue)
            let rows = try await connection.query(query, logger: logger)
            var summaries: [SeriesSummary] = []
            let columns = (Int64, String, String, String, String, Int64, Int64?, Int64?, Int64?).self
            for try await (id, exchange, symbol, intervalName, datasetName, count, first, last, floor)
                in rows.decode(columns)
            {
                guard let interval = Interval(name: intervalName) else {
                    throw PostgresStoreError.failure(
                        .corruptRow(reason: "series has unknown interval '\(intervalName)'"), url: url,
                        operation: operation)
                }
                guard let dataset = Dataset(rawValue: datasetName) else {
                    throw PostgresStoreError.failure(
                        .corruptRow(reason: "series has unknown dataset '\(datasetName)'"), url: url,
                        operation: operation)
                }
                let key = SeriesKey(
                    exchange: exchange, market: market, symbol: symbol, interval: interval, dataset: dataset)
                summaries.append(
                    SeriesSummary(
                        key: key, firstOpenTime: first, lastOpenTime: last, barCount: count, listingFloor: floor,
                        emptyRanges: ranges[id] ?? []))
            }
            return summaries.sorted { $0.key < $1.key }
        }
    }

    /// Interior gaps: half-open ranges `[first missing open time, next stored open time)`.
    ///
    /// Fixed intervals (including `1w`, whose grid is a fixed 7 days) are found in SQL with `lag` over the
    /// series' primary-key range; `1M` walks the open times in Swift with `Interval.next`, as months differ in
    /// length.
    public func gaps(of key: SeriesKey) async throws -> [TimeRange] {
        let logger = self.logger
        let legacy = isLegacy
        return try await withConnection("find the gaps of \(key.market.rawValue) \(key)") { connection in
            guard let seriesID = try await Self.seriesID(for: key, legacy: legacy, connection, logger) else {
                return []
            }
            var gaps: [TimeRange] = []
            if let length = key.interval.fixedMillis {
                let rows = try await connection.query(
                    """
                    SELECT previous + \(length), open_time FROM (
                        SELECT open_time, lag(open_time) OVER (ORDER BY open_time) AS previous
                        FROM bars WHERE series_id = \(seriesID)) AS t
                    WHERE open_time - previous > \(length)
                    ORDER BY open_time
                    """, logger: logger)
                for try await (start, end) in rows.decode((Int64, Int64).self) {
                    gaps.append(TimeRange(start: start, end: end))
                }
            } else {
                let rows = try await connection.query(
                    "SELECT open_time FROM bars WHERE series_id = \(seriesID) ORDER BY open_time", logger: logger)
                var expected: Int64?
                for try await openTime in rows.decode(Int64.self) {
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
        let logger = self.logger
        let legacy = isLegacy
        return try await withConnection("read the bars of \(key.market.rawValue) \(key)") { connection in
            guard let seriesID = try await Self.seriesID(for: key, legacy: legacy, connection, logger) else {
                return []
            }
            return try await Self.fetchBars(
                seriesID: seriesID, from: range?.start ?? .min, to: range?.end ?? .max, limit: nil, connection,
                logger)
        }
    }

    /// Calls `body` with the series' bars in open-time order, `batchSize` at a time (keyset pagination on the
    /// open time), so the whole series is never held in memory.
    ///
    /// All batches come from one REPEATABLE READ transaction: a concurrent `apply` cannot make the batches mix two
    /// states of the series (a digest always describes bars that were stored together). Errors thrown by `body`
    /// are rethrown unchanged.
    public func forEachBatch(of key: SeriesKey, _ body: @Sendable ([Bar]) throws -> Void) async throws {
        let logger = self.logger
        let legacy = isLegacy
        // The batches are read in the bounded wait's own task; `body` is handed to it through a box that is
        // emptied before this call returns, so `body` never outlives it even when the wait ends early.
        try await withoutActuallyEscaping(body) { body in
            let caller = CallerBox(body)
            defer { caller.clear() }
            try await withTransaction(
                "read the bars of \(key.market.rawValue) \(key)",
                begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            ) { connection in
                guard let seriesID = try await Self.seriesID(for: key, legacy: legacy, connection, logger) else {
                    return
                }
                var start = Int64.min
                while true {
                    let batch = try await Self.fetchBars(
                        seriesID: seriesID, from: start, to: .max, limit: Self.batchSize, connection, logger)
                    guard let last = batch.last else { return }
                    BoundedWait.touch()
                    try caller.call(batch)
                    if batch.count < Self.batchSize || last.openTime == .max { return }
                    start = last.openTime + 1
                }
            }
        }
    }

    /// Bars of a series with open times in `[start, end)`, at most `limit` (nil: all), in open-time order. The
    /// decimals come back as the text that was stored.
    private static func fetchBars(
        seriesID: Int64, from start: Int64, to end: Int64, limit: Int?, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> [Bar] {
        let rows = try await connection.query(
            """
            SELECT open_time, open, high, low, close, volume, close_time, quote_volume, trades, taker_buy_base,
                taker_buy_quote
            FROM bars WHERE series_id = \(seriesID) AND open_time >= \(start) AND open_time < \(end)
            ORDER BY open_time LIMIT \(limit.map(Int64.init))
            """, logger: logger)
        var bars: [Bar] = []
        if let limit { bars.reserveCapacity(limit) }
        let columns = (Int64, String, String, String, String, String, Int64, String, Int64, String, String).self
        for try await (openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote)
            in rows.decode(columns)
        {
            bars.append(
                Bar(
                    openTime: openTime, open: open, high: high, low: low, close: close, volume: volume,
                    closeTime: closeTime, quoteVolume: quoteVolume, trades: trades, takerBuyBaseVolume: takerBase,
                    takerBuyQuoteVolume: takerQuote))
        }
        return bars
    }

    /// Instruments stored for a market, sorted by symbol.
    public func instruments(market: Market) async throws -> [Instrument] {
        let operation = "read the instruments of \(market.rawValue)"
        let url = displayName
        let logger = self.logger
        return try await withConnection(operation) { connection in
            let rows = try await connection.query(
                """
                SELECT symbol, status, raw_status, contract_type, base_asset, quote_asset, margin_asset,
                    onboard_date, delivery_date
                FROM instruments WHERE exchange = \(Market.exchangeName) AND market = \(market.rawValue)
                ORDER BY symbol
                """, logger: logger)
            var instruments: [Instrument] = []
            let columns = (String, String, String, String?, String, String, String?, Int64?, Int64?).self
            for try await (symbol, statusText, raw, contract, base, quote, margin, onboard, delivery)
                in rows.decode(columns)
            {
                guard let status = Instrument.Status(rawValue: statusText) else {
                    throw PostgresStoreError.failure(
                        .corruptRow(reason: "instrument \(symbol) has unknown status '\(statusText)'"), url: url,
                        operation: operation)
                }
                instruments.append(
                    Instrument(
                        symbol: symbol, status: status, rawStatus: raw, contractType: contract, baseAsset: base,
                        quoteAsset: quote, marginAsset: margin, onboardDate: onboard, deliveryDate: delivery))
            }
            return instruments
        }
    }
}

/// A caller's closure lent to a task that may outlive the call: `clear()` takes it back, after which `call` throws
/// `CancellationError` instead of running it.
private final class CallerBox: Sendable {
    private let body: Mutex<(@Sendable ([Bar]) throws -> Void)?>

    init(_ body: @escaping @Sendable ([Bar]) throws -> Void) { self.body = Mutex(body) }

    /// Runs the closure; its errors come out as `CallerError`, to be rethrown unchanged.
    func call(_ bars: [Bar]) throws {
        try body.withLock { body in
            guard let body else { throw CancellationError() }
            do {
                try body(bars)
            } catch {
                throw CallerError(error: error)
            }
        }
    }

    func clear() { body.withLock { $0 = nil } }
}
