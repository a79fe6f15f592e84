import KlineSyncCore
import Testing

/// Long writes (PostgreSQL streams them with COPY and merges them at once) count and store exactly like short ones.
@Suite struct StoreBulkContractTests {
    @Test(arguments: StoreBackend.all)
    func longWritesWithUpdatesAndRepeatedOpenTimesCountLikeShortOnes(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            let bars = Fixtures.bars(12_000)
            #expect(
                try await store.write(Fixtures.write(key, bars: Array(bars[0..<9_000]))).total
                    == WriteCounts(inserted: 9_000))

            var changed = bars
            for index in [0, 4_000, 8_999] { changed[index].volume = "0.25" }
            #expect(
                try await store.write(Fixtures.write(key, bars: changed)).total
                    == WriteCounts(inserted: 3_000, updated: 3, unchanged: 8_997))
            #expect(try await store.bars(of: key, in: nil) == changed)

            // The same open times two and three times in one long write: the last bar wins, each repeat that differs
            // from the one before counts as an update.
            let other = Fixtures.key("ETHUSDT")
            var repeated = Fixtures.bars(10_000)
            var twice = repeated[10]
            twice.close = "7.77"
            var thrice = twice
            thrice.close = "8.88"
            repeated.insert(contentsOf: [twice, thrice], at: 11)
            #expect(
                try await store.write(Fixtures.write(other, bars: repeated)).total
                    == WriteCounts(inserted: 10_000, updated: 2))
            let stored = try await store.bars(of: other, in: nil)
            #expect(stored.count == 10_000)
            #expect(stored[10].close == "8.88")
            #expect(try await store.summaries(market: .usdm).map(\.barCount) == [12_000, 10_000])
        }
    }
}
