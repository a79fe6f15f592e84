import KlineSyncCore
import Testing

/// Instruments refresh from the exchange's list, on every backend.
@Suite struct InstrumentRefreshContractTests {
    @Test(arguments: StoreBackend.all)
    func refreshUpsertsAndMarksUnlistedAsDelisted(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            try await store.saveInstruments(
                [Fixtures.instrument("BTCUSDT"), Fixtures.instrument("ETHUSDT"), Fixtures.instrument("XRPUSDT")],
                market: .usdm)
            #expect(try await store.instruments(market: .usdm).count == 3)
            // ETHUSDT disappears from the list, XRPUSDT starts settling.
            try await store.saveInstruments(
                [Fixtures.instrument("BTCUSDT"), Fixtures.instrument("XRPUSDT", status: .delisted)], market: .usdm)
            let stored = Dictionary(
                uniqueKeysWithValues: try await store.instruments(market: .usdm).map { ($0.symbol, $0.status) })
            #expect(stored == ["BTCUSDT": .trading, "ETHUSDT": .delisted, "XRPUSDT": .delisted])
            #expect(try await store.instruments(market: .spot).isEmpty)
        }
    }
}
