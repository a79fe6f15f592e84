/// Which instruments the simulated universe lists.
public enum UniverseKind: String, Sendable, Hashable, CaseIterable {
    /// Binance's mix: long-listed majors, recent listings, delistings, other quote assets and (on futures)
    /// quarterly contracts.
    case varied
    /// Only old, trading instruments: USDT pairs on spot, USDT perpetuals on USD-M, USD perpetuals on COIN-M, each
    /// listed more than 2100 days before the clock, so 2000 bars of every interval up to `1d` exist for all of them.
    /// Nothing delisted, no quarterlies: the first N symbols are N full series, as a benchmark wants.
    case established

    /// Days before the clock's UTC day by which every established instrument is listed.
    static let establishedMinimumAgeDays: Int64 = 2100
}
