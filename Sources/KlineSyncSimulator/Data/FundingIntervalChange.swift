import KlineSyncCore

/// The one perpetual of a simulated futures universe whose funding interval changes, and when.
///
/// Which symbol: the universe's second perpetual in exchangeInfo order that is still trading (its first when it
/// has only one): `BTCUSDC` in a varied USD-M universe, `ETHUSD_PERP` on COIN-M, `ETHUSDT` in an established
/// USD-M one. Its funding runs every ``fromHours`` hours before ``at`` and every ``toHours`` hours from it.
public struct FundingIntervalChange: Sendable, Hashable {
    /// The perpetual whose interval changes.
    public var symbol: String
    /// The instant of the change (ms): 2024-02-15T00:00:00Z, on the 8-hour grid; the first funding on the new
    /// interval is at this instant.
    public var at: Int64
    /// Hours between fundings before ``at`` (8).
    public var fromHours: Int
    /// Hours between fundings from ``at`` on (4).
    public var toHours: Int

    /// 2024-02-15T00:00:00Z.
    public static let instant: Int64 = CivilDate(year: 2024, month: 2, day: 15).millis

    /// The change of `instruments` (a futures universe in exchangeInfo order); nil when it has no trading perpetual.
    static func of(_ instruments: [SimulatedInstrument]) -> FundingIntervalChange? {
        let perpetuals = instruments.filter { $0.contractType == "PERPETUAL" && !$0.isDelisted }
        guard let chosen = perpetuals.count > 1 ? perpetuals[1] : perpetuals.first else { return nil }
        return FundingIntervalChange(symbol: chosen.symbol, at: instant, fromHours: 8, toHours: 4)
    }
}
