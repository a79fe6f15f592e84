import KlineSyncCore
import Testing

/// The `Store` contract for datasets and funding rates (DESIGN §9), on every backend.
@Suite struct DatasetContractTests {
    static let btc = Fixtures.key()
    static let btcMark = SeriesKey(market: .usdm, symbol: "BTCUSDT", interval: Fixtures.hour, dataset: .markPrice)
    static let btcIndex = SeriesKey(market: .usdm, symbol: "BTCUSDT", interval: Fixtures.hour, dataset: .indexPrice)

    /// Three funding events 8h apart from `Fixtures.start`, the last without a mark price.
    static func rates(rate: String = "0.00010000") -> [FundingRate] {
        [
            FundingRate(fundingTime: Fixtures.start, rate: rate, markPrice: "42000.10000000"),
            FundingRate(fundingTime: Fixtures.start + 28_800_000, rate: "-0.00002500", markPrice: "42100.00000000"),
            FundingRate(fundingTime: Fixtures.start + 57_600_003, rate: "0.00005000", markPrice: nil),
        ]
    }

    @Test(arguments: StoreBackend.all)
    func seriesOfDifferentDatasetsAreSeparate(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let trade = Fixtures.bars(10)
            var mark = Fixtures.bars(6)
            for index in mark.indices { mark[index].close = "4200\(index).25" }
            let counts = try await store.write(
                SymbolWrite(
                    market: .usdm, symbol: "BTCUSDT",
                    series: [
                        SeriesWrite(key: Self.btc, bars: trade), SeriesWrite(key: Self.btcMark, bars: mark),
                    ]))
            #expect(counts == [WriteCounts(inserted: 10), WriteCounts(inserted: 6)])

            #expect(try await store.bars(of: Self.btc, in: nil) == trade)
            #expect(try await store.bars(of: Self.btcMark, in: nil) == mark)
            #expect(try await store.bars(of: Self.btcIndex, in: nil).isEmpty)
            #expect(try await store.gaps(of: Self.btcMark).isEmpty)

            let summaries = try await store.summaries(market: .usdm)
            #expect(summaries.map(\.key) == [Self.btc, Self.btcMark])
            #expect(summaries.map(\.barCount) == [10, 6])

            let tradeDigest = try await store.digest(of: Self.btc)
            let markDigest = try await store.digest(of: Self.btcMark)
            #expect(tradeDigest != markDigest)
            #expect(markDigest == DigestBuilder.digest(bars: mark))

            // A delete in one dataset leaves the other alone; recount sees both.
            let delete = SeriesWrite(key: Self.btcMark, deleteRanges: [TimeRange(start: Fixtures.start, end: .max)])
            _ = try await store.write(SymbolWrite(market: .usdm, symbol: "BTCUSDT", series: [delete]))
            #expect(try await store.bars(of: Self.btc, in: nil) == trade)
            #expect(try await store.digest(of: Self.btc) == tradeDigest)
            let recount = try await store.recount(market: .usdm, repair: false)
            #expect(recount.map(\.key) == [Self.btc, Self.btcMark])
            #expect(recount.map(\.counted.bars) == [10, 0])
            #expect(recount.allSatisfy { !$0.drifted })
        }
    }

    /// Long writes (PostgreSQL's COPY path) of two datasets of one series land in their own series.
    @Test(arguments: StoreBackend.all)
    func longWritesOfTwoDatasetsStaySeparate(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let trade = Fixtures.bars(1_500)
            var mark = Fixtures.bars(1_200, from: Fixtures.hour.advance(Fixtures.start, by: 600))
            for index in mark.indices { mark[index].close = "\(index).25" }
            let counts = try await store.write(
                SymbolWrite(
                    market: .usdm, symbol: "BTCUSDT",
                    series: [SeriesWrite(key: Self.btc, bars: trade), SeriesWrite(key: Self.btcMark, bars: mark)]))
            #expect(counts == [WriteCounts(inserted: 1_500), WriteCounts(inserted: 1_200)])
            // Overlapping the stored range: staged and merged, per series.
            let again = try await store.write(
                SymbolWrite(market: .usdm, symbol: "BTCUSDT", series: [SeriesWrite(key: Self.btcMark, bars: mark)]))
            #expect(again == [WriteCounts(unchanged: 1_200)])
            #expect(try await store.digest(of: Self.btc) == DigestBuilder.digest(bars: trade))
            #expect(try await store.digest(of: Self.btcMark) == DigestBuilder.digest(bars: mark))
            let summaries = try await store.summaries(market: .usdm)
            #expect(summaries.map(\.barCount) == [1_500, 1_200])
            #expect(summaries.last?.firstOpenTime == mark.first?.openTime)
        }
    }

    @Test(arguments: StoreBackend.all)
    func countsFundingInsertedUpdatedUnchangedAndDeleted(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let rates = Self.rates()
            let first = try await store.write(
                SymbolWrite(market: .usdm, symbol: "BTCUSDT", series: [], funding: FundingWrite(rates: rates)))
            #expect(first == [WriteCounts(inserted: 3)])
            #expect(try await store.fundingRates(market: .usdm, symbol: "BTCUSDT", in: nil) == rates)

            var changed = rates
            changed[1].rate = "-0.000025"  // same value, other text: an update
            changed[2].markPrice = "42200.5"
            changed.append(FundingRate(fundingTime: Fixtures.start + 86_400_000, rate: "0.0001", markPrice: "1.5"))
            // The same funding time twice: the later wins.
            changed.append(FundingRate(fundingTime: Fixtures.start + 86_400_000, rate: "0.0002", markPrice: "1.5"))
            let second = try await store.write(
                SymbolWrite(
                    market: .usdm, symbol: "BTCUSDT", series: [SeriesWrite(key: Self.btc, bars: Fixtures.bars(2))],
                    funding: FundingWrite(rates: changed)))
            #expect(second == [WriteCounts(inserted: 2), WriteCounts(inserted: 1, updated: 3, unchanged: 1)])
            var expected = Array(changed.prefix(3))
            expected.append(changed[4])
            #expect(try await store.fundingRates(market: .usdm, symbol: "BTCUSDT", in: nil) == expected)
            let window = TimeRange(start: Fixtures.start + 1, end: Fixtures.start + 86_400_000)
            #expect(
                try await store.fundingRates(market: .usdm, symbol: "BTCUSDT", in: window) == [
                    expected[1], expected[2],
                ])

            let third = try await store.write(
                SymbolWrite(
                    market: .usdm, symbol: "BTCUSDT", series: [],
                    funding: FundingWrite(
                        rates: [], deleteRanges: [TimeRange(start: Fixtures.start, end: Fixtures.start + 1)])))
            #expect(third == [WriteCounts(deleted: 1)])
            let summaries = try await store.fundingSummaries(market: .usdm)
            #expect(
                summaries == [
                    FundingSummary(
                        market: .usdm, symbol: "BTCUSDT", count: 3, firstFundingTime: expected[1].fundingTime,
                        lastFundingTime: expected[3].fundingTime)
                ])
            #expect(try await store.fundingSummaries(market: .coinm).isEmpty)
            let digest = try await store.fundingDigest(market: .usdm, symbol: "BTCUSDT")
            #expect(digest == DigestBuilder.digest(of: Array(expected.dropFirst())))
        }
    }

    @Test(arguments: StoreBackend.all)
    func fundingSummariesAreSortedBySymbolAndDigestsMatchAcrossBackends(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            for symbol in ["XRPUSDT", "BTCUSDT", "ETHUSDT"] {
                _ = try await store.write(
                    SymbolWrite(
                        market: .usdm, symbol: symbol, series: [], funding: FundingWrite(rates: Self.rates())))
            }
            let summaries = try await store.fundingSummaries(market: .usdm)
            #expect(summaries.map(\.symbol) == ["BTCUSDT", "ETHUSDT", "XRPUSDT"])
            #expect(summaries.allSatisfy { $0.count == 3 && $0.firstFundingTime == Fixtures.start })
            // The canonical text drops trailing zeros, so this digest is the same on every backend.
            #expect(
                try await store.fundingDigest(market: .usdm, symbol: "ETHUSDT")
                    == DigestBuilder.digest(of: Self.rates(rate: "0.0001")))
        }
    }

    @Test(arguments: StoreBackend.all)
    func aBadBarRollsBackTheFundingOfItsSymbol(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            var bad = Fixtures.bars(5)
            bad[3].high = "1e5"
            await #expect(throws: (any Error).self) {
                try await store.write(
                    SymbolWrite(
                        market: .usdm, symbol: "BTCUSDT", series: [SeriesWrite(key: Self.btc, bars: bad)],
                        funding: FundingWrite(rates: Self.rates())))
            }
            let rates = try await store.fundingRates(market: .usdm, symbol: "BTCUSDT", in: nil)
            let summaries = try await store.fundingSummaries(market: .usdm)
            let bars = try await store.bars(of: Self.btc, in: nil)
            #expect(rates.isEmpty)
            #expect(summaries.allSatisfy { $0.count == 0 })
            #expect(bars.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func refusesMalformedFundingDecimalsAndKeepsNothing(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            for bad in [
                FundingRate(fundingTime: Fixtures.start, rate: "0.0001e3", markPrice: "1"),
                FundingRate(fundingTime: Fixtures.start, rate: "0.0001", markPrice: ""),
            ] {
                let error = await #expect(throws: (any Error).self) {
                    try await store.write(
                        SymbolWrite(
                            market: .usdm, symbol: "BTCUSDT",
                            series: [SeriesWrite(key: Self.btc, bars: Fixtures.bars(2))],
                            funding: FundingWrite(rates: Self.rates() + [bad])))
                }
                #expect("\(error!)".contains("nothing of it was written"))
            }
            let rates = try await store.fundingRates(market: .usdm, symbol: "BTCUSDT", in: nil)
            let bars = try await store.bars(of: Self.btc, in: nil)
            #expect(rates.isEmpty)
            #expect(bars.isEmpty)
        }
    }
}

extension DigestBuilder {
    /// The digest of `bars` in the order given.
    static func digest(bars: [Bar]) -> String {
        let builder = DigestBuilder()
        for bar in bars { builder.add(bar) }
        return builder.finish()
    }
}

extension DatasetContractTests {
    /// `FundingWrite.checked` is kept per symbol: merged when ranges touch or overlap, replaced when they do not,
    /// left alone by a write without one, recorded even when the range held no event, and rolled back with the rest.
    @Test(arguments: StoreBackend.all)
    func checkedFundingRangesMergeReplaceAndRollBack(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            func checked() async throws -> TimeRange? {
                try await store.fundingSummaries(market: .usdm).first { $0.symbol == "ETHUSDT" }?.checked
            }
            func write(_ checked: TimeRange?, rates: [FundingRate] = []) async throws {
                _ = try await store.write(
                    SymbolWrite(
                        market: .usdm, symbol: "ETHUSDT", series: [],
                        funding: FundingWrite(rates: rates, checked: checked)))
            }
            try await write(TimeRange(start: 100, end: 200))
            let empty = try await store.fundingSummaries(market: .usdm).first { $0.symbol == "ETHUSDT" }
            #expect(empty?.count == 0)
            #expect(empty?.checked == TimeRange(start: 100, end: 200))
            try await write(
                TimeRange(start: 200, end: 300), rates: [FundingRate(fundingTime: 250, rate: "0.0001", markPrice: "2")])
            #expect(try await checked() == TimeRange(start: 100, end: 300))
            try await write(TimeRange(start: 50, end: 150))
            #expect(try await checked() == TimeRange(start: 50, end: 300))
            try await write(nil, rates: [FundingRate(fundingTime: 260, rate: "0.0001", markPrice: nil)])
            #expect(try await checked() == TimeRange(start: 50, end: 300))
            try await write(TimeRange(start: 1000, end: 2000))
            #expect(try await checked() == TimeRange(start: 1000, end: 2000))
            // A refused write changes nothing, the checked range included.
            await #expect(throws: (any Error).self) {
                try await write(
                    TimeRange(start: 2000, end: 3000),
                    rates: [FundingRate(fundingTime: 2500, rate: "1e-4", markPrice: nil)])
            }
            #expect(try await checked() == TimeRange(start: 1000, end: 2000))
            await #expect(throws: (any Error).self) { try await write(TimeRange(start: 5, end: 5)) }
        }
    }
}
