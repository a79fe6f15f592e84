/// Everything one symbol's sync writes, applied by a store in one transaction.
public struct SymbolWrite: Sendable {
    public var market: Market
    public var symbol: String
    /// The instrument row to upsert, if known.
    public var instrument: Instrument?
    public var series: [SeriesWrite]

    public init(market: Market, symbol: String, instrument: Instrument? = nil, series: [SeriesWrite]) {
        self.market = market
        self.symbol = symbol
        self.instrument = instrument
        self.series = series
    }
}

/// The changes to one series inside a `SymbolWrite`, applied in this order: deletions, then bars, then state.
public struct SeriesWrite: Sendable {
    public var key: SeriesKey
    /// Ranges of open times whose stored bars are deleted first (replace and prune).
    public var deleteRanges: [TimeRange]
    /// Bars to store; an existing bar with the same open time is overwritten when it differs.
    public var bars: [Bar]
    /// More bars to store, spooled to disk by the executor when a long fetch did not fit its memory budget. They are
    /// written before `bars`; no open time is in both.
    public var spooled: BarSpool?
    /// A newly discovered listing floor (the first open time the exchange has).
    public var listingFloor: Int64?
    /// Ranges the exchange confirmed empty.
    public var emptyRanges: [TimeRange]

    public init(
        key: SeriesKey, deleteRanges: [TimeRange] = [], bars: [Bar] = [], listingFloor: Int64? = nil,
        emptyRanges: [TimeRange] = []
    ) {
        self.key = key
        self.deleteRanges = deleteRanges
        self.bars = bars
        self.listingFloor = listingFloor
        self.emptyRanges = emptyRanges
    }

    /// Bars to store, spooled and in memory.
    public var barCount: Int { bars.count + (spooled?.count ?? 0) }

    /// The bars to store in batches: the spooled ones read back from disk `batchSize` at a time, then `bars` whole.
    /// A store writes them with `while let batch = try batches.next() { … }`, holding one batch at a time.
    public func barBatches(batchSize: Int = 8192) -> BarBatches {
        BarBatches(spooled: spooled?.makeReader(batchSize: batchSize), bars: bars, batchSize: max(1, batchSize))
    }
}

/// The bars of a `SeriesWrite`, batch by batch.
public struct BarBatches {
    var spooled: BarSpool.Reader?
    let bars: [Bar]
    let batchSize: Int
    var position = 0

    init(spooled: BarSpool.Reader?, bars: [Bar], batchSize: Int) {
        self.spooled = spooled
        self.bars = bars
        self.batchSize = batchSize
    }

    /// The next batch, or nil when every bar was returned. Throws `SpoolError` when the spool cannot be read.
    public mutating func next() throws -> [Bar]? {
        if spooled != nil {
            if let batch = try spooled!.next() { return batch }
            spooled = nil
        }
        // The in-memory bars are already held: handed over whole, without a copy.
        guard position == 0, !bars.isEmpty else { return nil }
        position = bars.count
        return bars
    }
}

/// What a write changed.
public struct WriteCounts: Sendable, Hashable, Codable {
    public var inserted: Int = 0
    public var updated: Int = 0
    public var deleted: Int = 0
    public var unchanged: Int = 0

    public init(inserted: Int = 0, updated: Int = 0, deleted: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.deleted = deleted
        self.unchanged = unchanged
    }

    public static func + (a: WriteCounts, b: WriteCounts) -> WriteCounts {
        WriteCounts(
            inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted,
            unchanged: a.unchanged + b.unchanged)
    }
}

/// One apply run as the runs table keeps it.
public struct RunRecord: Sendable, Hashable, Codable {
    public var id: String
    public var manifestDigest: String
    public var startedAt: Int64
    public var finishedAt: Int64?
    public var status: String
    /// The JSON report.
    public var report: String?

    public init(
        id: String, manifestDigest: String, startedAt: Int64, finishedAt: Int64?, status: String, report: String?
    ) {
        self.id = id
        self.manifestDigest = manifestDigest
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.report = report
    }
}

/// The database that holds bars, instruments, series state, runs and the lineage id.
///
/// Implementations: `SQLiteStore` (embedded default) and a PostgreSQL store. Every method may be called
/// concurrently; `write(_:)` applies one symbol atomically.
public protocol Store: Sendable {
    /// Where the store is, fit to print (passwords redacted).
    var displayName: String { get }

    /// The lineage id made when the database was created; it never changes afterwards.
    func lineageID() async throws -> String

    /// Summaries of every stored series on `market`, from indexes and state tables only (no scan of bars).
    func summaries(market: Market) async throws -> [SeriesSummary]

    /// Interior gaps of a series: half-open ranges of missing open times between its first and last bar.
    func gaps(of key: SeriesKey) async throws -> [TimeRange]

    /// The stored bars of a series in open-time order, optionally limited to a range of open times.
    func bars(of key: SeriesKey, in range: TimeRange?) async throws -> [Bar]

    /// Calls `body` with the series' bars in open-time order, in batches, without holding them all.
    func forEachBatch(of key: SeriesKey, _ body: @Sendable ([Bar]) throws -> Void) async throws

    /// Recounts every series on `market` from its bars (count, first and last open time) and compares with the
    /// maintained counters the summaries read. With `repair`, the counters of the series that drifted are rewritten
    /// from the bars, in one transaction. Sorted by series key.
    func recount(market: Market, repair: Bool) async throws -> [SeriesRecount]

    /// Instruments stored for a market.
    func instruments(market: Market) async throws -> [Instrument]

    /// Applies everything of one symbol in one transaction: all of it or nothing.
    /// Returns what changed for each `SeriesWrite`, in the batch's order.
    func write(_ batch: SymbolWrite) async throws -> [WriteCounts]

    /// Inserts or updates a run record.
    func recordRun(_ run: RunRecord) async throws

    /// Refreshes the instruments table of a market from the exchange's list: upserts every instrument, and marks
    /// stored ones the exchange no longer lists as delisted.
    func saveInstruments(_ instruments: [Instrument], market: Market) async throws

    /// Releases connections. Further calls fail.
    func close() async throws
}

extension Store {
    /// Default refresh: one small write per instrument (a backend may do it in one statement).
    public func saveInstruments(_ instruments: [Instrument], market: Market) async throws {
        let listed = Set(instruments.map(\.symbol))
        var rows = instruments
        for var stored in try await self.instruments(market: market) where !listed.contains(stored.symbol) {
            if stored.status != .delisted {
                stored.status = .delisted
                rows.append(stored)
            }
        }
        for instrument in rows where Instrument.isValidSymbol(instrument.symbol) {
            _ = try await write(
                SymbolWrite(market: market, symbol: instrument.symbol, instrument: instrument, series: []))
        }
    }

    /// SHA-256 digest of a series (DESIGN §6): its bars' canonical text in open-time order.
    public func digest(of key: SeriesKey) async throws -> String {
        let builder = DigestBuilder()
        try await forEachBatch(of: key) { bars in
            for bar in bars { builder.add(bar) }
        }
        return builder.finish()
    }
}

extension Array where Element == WriteCounts {
    /// The sum over every series of a write.
    public var total: WriteCounts { reduce(WriteCounts(), +) }
}
