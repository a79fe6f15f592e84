/// The close of the last stored bar of every series the manifest keeps fresh: the lag metric's input.
///
/// Series with a fixed window (`until`) are left out: they are finished datasets, not meant to follow the market.
/// Symbols are those of the stored instrument list (refreshed by every cycle) that the manifest's filter selects.
enum SeriesCloses {
    /// Reads the stored instruments and series summaries of `manifest`'s market; the close (ms) per series, nil
    /// when the series has no stored bar.
    static func read(_ manifest: Manifest, from database: any StoreConnector) async throws -> [SeriesLagKey: Int64?] {
        guard let store = try await database.openForReading() else { return [:] }
        do {
            let market = manifest.source.market
            let instruments = try await store.instruments(market: market)
            let summaries = try await store.summaries(market: market)
            try await store.close()
            return closes(manifest, instruments: instruments, summaries: summaries)
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The closes of the series `manifest` keeps fresh, from what the store holds.
    static func closes(_ manifest: Manifest, instruments: [Instrument], summaries: [SeriesSummary])
        -> [SeriesLagKey: Int64?]
    {
        let intervals = manifest.intervals.filter { $0.until == nil }.map(\.interval)
        let owners = Planner.seriesOwners(
            instruments.filter { manifest.symbols.matches($0) && Instrument.isValidSymbol($0.symbol) }
                .sorted { $0.symbol < $1.symbol }, datasets: manifest.datasets)
        var last: [SeriesKey: Int64] = [:]
        for summary in summaries {
            if let open = summary.lastOpenTime { last[summary.key] = open }
        }
        var result: [SeriesLagKey: Int64?] = [:]
        for owner in owners {
            for interval in intervals {
                let key = SeriesKey(
                    market: manifest.source.market, symbol: owner.symbol, interval: interval, dataset: owner.dataset)
                let open = last[key]
                // `updateValue`: a subscript assignment of nil would drop the series instead of keeping "none stored".
                result.updateValue(
                    open.map { interval.next($0) },
                    forKey: SeriesLagKey(
                        symbol: owner.symbol, dataset: owner.dataset.rawValue, interval: interval.name))
            }
        }
        return result
    }
}
