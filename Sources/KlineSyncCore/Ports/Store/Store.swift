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

    /// Summaries of the funding history of every symbol on `market` that has a funding row, from maintained
    /// counters only (no scan of the events). Sorted by symbol.
    func fundingSummaries(market: Market) async throws -> [FundingSummary]

    /// The stored funding events of a symbol in ascending funding time, optionally only those in `range`.
    func fundingRates(market: Market, symbol: String, in range: TimeRange?) async throws -> [FundingRate]

    /// Applies everything of one symbol in one transaction: all of it or nothing.
    ///
    /// Returns what changed: one `WriteCounts` for each `SeriesWrite`, in the batch's order, followed by one for
    /// the funding write when `batch.funding` is set. A bar, rate or mark price that is not a plain decimal refuses
    /// the whole write (a `StoreFailure` of kind `.invalidWrite`).
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

    /// SHA-256 digest of a symbol's funding history: its events' `FundingRate.canonicalText` lines in funding-time
    /// order (`DigestBuilder.digest(of:)`).
    public func fundingDigest(market: Market, symbol: String) async throws -> String {
        DigestBuilder.digest(of: try await fundingRates(market: market, symbol: symbol, in: nil))
    }
}
