import KlineSyncCore
import Synchronization
import Testing

/// The `Store` contract, continued: gaps, range reads, batches, digests and a bulk insert.
@Suite struct StoreReadContractTests {
    static let gapIntervals = [Fixtures.hour, Fixtures.week, Fixtures.month, Interval(name: "1m")!]

    @Test(arguments: StoreBackend.all, gapIntervals)
    func gapsAreHalfOpenRangesOfMissingOpenTimes(backend: StoreBackend, interval: Interval) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key("BTCUSDT", interval)
            let from = interval.ceil(Fixtures.start)
            // Missing: index 1, indexes 4...6, index 10. The last (12) and first (0) are present.
            let bars = Fixtures.bars(13, interval, from: from, missing: [1, 4, 5, 6, 10])
            _ = try await store.write(Fixtures.write(key, bars: bars))
            func at(_ index: Int64) -> Int64 { interval.advance(from, by: index) }
            let gaps = try await store.gaps(of: key)
            #expect(
                gaps == [
                    TimeRange(start: at(1), end: at(2)), TimeRange(start: at(4), end: at(7)),
                    TimeRange(start: at(10), end: at(11)),
                ])
            let missing = gaps.reduce(Int64(0)) { $0 + interval.count(from: $1.start, to: $1.end) }
            let summary = try #require(try await store.summaries(market: .usdm).first)
            #expect(missing == summary.expectedCount - summary.barCount)
            #expect(missing == 5)
        }
    }

    @Test(arguments: StoreBackend.all)
    func gapsOfACompleteOrUnknownSeriesAreEmpty(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            _ = try await store.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(30)))
            #expect(try await store.gaps(of: Fixtures.key()).isEmpty)
            #expect(try await store.gaps(of: Fixtures.key("NOPEUSDT")).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func barsAreReadInOpenTimeOrderAndByRange(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            let bars = Fixtures.bars(20)
            _ = try await store.write(Fixtures.write(key, bars: bars.reversed()))
            #expect(try await store.bars(of: key, in: nil) == bars)
            let range = TimeRange(start: bars[5].openTime, end: bars[9].openTime)
            #expect(try await store.bars(of: key, in: range) == Array(bars[5..<9]))
            #expect(try await store.bars(of: Fixtures.key("NOPEUSDT"), in: nil).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func forEachBatchVisitsEveryBarOnceInOrder(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key("BTCUSDT", Interval(name: "1m")!)
            let bars = Fixtures.bars(25_001, key.interval)
            _ = try await store.write(Fixtures.write(key, bars: bars))
            let collected = Collector()
            try await store.forEachBatch(of: key) { batch in collected.append(batch) }
            #expect(collected.batches.count >= 3)
            #expect(collected.batches.allSatisfy { $0.count <= 10_000 })
            #expect(collected.batches.flatMap { $0 } == bars)

            // The body's own error comes out unchanged, and no batch follows it.
            let seen = Collector()
            await #expect(throws: StopReading.self) {
                try await store.forEachBatch(of: key) { batch in
                    seen.append(batch)
                    throw StopReading()
                }
            }
            #expect(seen.batches.count == 1)
        }
    }

    @Test(arguments: StoreBackend.all)
    func digestIsIndependentOfWriteOrderAndBatching(backend: StoreBackend) async throws {
        let bars = Fixtures.bars(50)
        let inOneWrite = try await backend.withStore { store, _ in
            _ = try await store.write(Fixtures.write(Fixtures.key(), bars: bars))
            return try await store.digest(of: Fixtures.key())
        }
        let shuffled = try await backend.withStore { store, _ in
            var generator = SplitMix(seed: 7)
            let order = bars.shuffled(using: &generator)
            for chunk in stride(from: 0, to: order.count, by: 13) {
                let part = Array(order[chunk..<min(chunk + 13, order.count)])
                _ = try await store.write(Fixtures.write(Fixtures.key(), bars: part))
            }
            return try await store.digest(of: Fixtures.key())
        }
        #expect(inOneWrite == shuffled)
        let builder = DigestBuilder()
        bars.forEach(builder.add)
        #expect(inOneWrite == builder.finish())
    }

    @Test(arguments: StoreBackend.all)
    func digestChangesWithAValueButNotWithTrailingZeros(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            var bars = Fixtures.bars(5)
            bars[2].high = "1.50"
            _ = try await store.write(Fixtures.write(key, bars: bars))
            let original = try await store.digest(of: key)

            bars[2].high = "1.5"
            #expect(try await store.write(Fixtures.write(key, bars: bars)).total.updated == 1)
            #expect(try await store.digest(of: key) == original)

            bars[2].high = "1.51"
            _ = try await store.write(Fixtures.write(key, bars: bars))
            #expect(try await store.digest(of: key) != original)
        }
    }

    @Test(arguments: StoreBackend.all)
    func bulkInsertOfAMillionBarsKeepsEveryBar(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let perSeries = 2_000
            var total = WriteCounts()
            for index in 0..<500 {
                let key = Fixtures.key("S\(index)USDT")
                total = total + (try await store.write(Fixtures.write(key, bars: Fixtures.bars(perSeries)))).total
            }
            #expect(total == WriteCounts(inserted: 1_000_000))
            let summaries = try await store.summaries(market: .usdm)
            #expect(summaries.count == 500)
            #expect(summaries.reduce(Int64(0)) { $0 + $1.barCount } == 1_000_000)
            #expect(summaries.allSatisfy { !$0.hasInteriorGaps && $0.barCount == perSeries })
        }
    }
}

/// A caller's error thrown from a `forEachBatch` body.
struct StopReading: Error {}

/// Collects batches handed to a `@Sendable` callback.
final class Collector: Sendable {
    private let storage = Mutex<[[Bar]]>([])
    var batches: [[Bar]] { storage.withLock { $0 } }
    func append(_ batch: [Bar]) { storage.withLock { $0.append(batch) } }
}

/// A seeded generator, so shuffles are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
