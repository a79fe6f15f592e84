import KlineSyncCore
import Testing

/// The `Store` contract, run against every backend in `StoreBackend.all`: writes, counts and atomicity.
@Suite struct StoreContractTests {
    @Test(arguments: StoreBackend.all)
    func lineageIDIsStableAcrossReopen(backend: StoreBackend) async throws {
        try await backend.withStore { store, database in
            let first = try await store.lineageID()
            #expect(!first.isEmpty)
            _ = try await store.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(3)))
            let again = try await database.open()
            let second = try await again.lineageID()
            try await again.close()
            #expect(first == second)
        }
        let other = try await backend.withStore { store, _ in try await store.lineageID() }
        let another = try await backend.withStore { store, _ in try await store.lineageID() }
        #expect(other != another)
    }

    @Test(arguments: StoreBackend.all)
    func decimalsRoundTripExactly(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let texts = ["0.00001000", "123456789.12345678", "1.0", "0", "00.10", "-0.5", "1.50000000"]
            let bars = texts.enumerated().map { index, text in
                let openTime = Fixtures.start + Int64(index) * 3_600_000
                return Bar(
                    openTime: openTime, open: text, high: text, low: text, close: text, volume: text,
                    closeTime: openTime + 3_599_999, quoteVolume: text, trades: Int64(index),
                    takerBuyBaseVolume: text, takerBuyQuoteVolume: text)
            }
            _ = try await store.write(Fixtures.write(Fixtures.key(), bars: bars))
            let stored = try await store.bars(of: Fixtures.key(), in: nil)
            #expect(stored == bars)
            #expect(stored.map(\.close) == texts)
        }
    }

    @Test(arguments: StoreBackend.all)
    func countsInsertedUpdatedAndUnchangedBars(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            let bars = Fixtures.bars(10)
            let first = try await store.write(Fixtures.write(key, bars: bars)).total
            #expect(first == WriteCounts(inserted: 10))

            var changed = bars
            changed[3].close = "1.0"
            changed[7].trades += 1
            changed.append(Fixtures.bar(Fixtures.hour.advance(Fixtures.start, by: 10)))
            let second = try await store.write(Fixtures.write(key, bars: changed)).total
            #expect(second == WriteCounts(inserted: 1, updated: 2, unchanged: 8))

            // Same value, other text: stored as sent, so it is an update.
            changed[3].close = "1.00"
            let third = try await store.write(Fixtures.write(key, bars: changed)).total
            #expect(third == WriteCounts(updated: 1, unchanged: 10))
            #expect(try await store.bars(of: key, in: nil) == changed)
        }
    }

    @Test(arguments: StoreBackend.all)
    func countsLargeOverlappingWritesAndDuplicatesLikeSingleBars(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            let bars = Fixtures.bars(400)
            let first = try await store.write(Fixtures.write(key, bars: Array(bars[0..<300]))).total
            #expect(first == WriteCounts(inserted: 300))

            var overlapping = bars
            for index in [0, 127, 128, 150, 299] { overlapping[index].volume = "0.1" }
            let counts = try await store.write(Fixtures.write(key, bars: overlapping)).total
            #expect(counts == WriteCounts(inserted: 100, updated: 5, unchanged: 295))
            #expect(try await store.bars(of: key, in: nil) == overlapping)

            // The same open time twice in one write: the later bar wins and counts as an update.
            let other = Fixtures.key("ETHUSDT")
            var withDuplicate = Fixtures.bars(130)
            var duplicate = withDuplicate[3]
            duplicate.close = "7.77"
            withDuplicate.insert(duplicate, at: 4)
            let duplicateCounts = try await store.write(Fixtures.write(other, bars: withDuplicate)).total
            #expect(duplicateCounts == WriteCounts(inserted: 130, updated: 1))
            let stored = try await store.bars(of: other, in: nil)
            #expect(stored.count == 130)
            #expect(stored[3].close == "7.77")
            #expect(try await store.summaries(market: .usdm).map(\.barCount) == [400, 130])
        }
    }

    /// Bars spooled to disk by the executor are written like in-memory ones, in the same transaction; a bad bar among
    /// them rolls the whole symbol back.
    @Test(arguments: StoreBackend.all)
    func writesSpooledBarsInTheSameTransaction(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            let all = Fixtures.bars(20_000)
            _ = try await store.write(Fixtures.write(key, bars: Array(all[0..<100])))
            var changed = all
            changed[50].close = "1.5"
            let spool = try BarSpool()
            try spool.append(changed[0..<19_000])
            var series = SeriesWrite(key: key, bars: Array(changed[19_000...]))
            series.spooled = spool
            let counts = try await store.write(Fixtures.write(key, series)).total
            #expect(counts == WriteCounts(inserted: 19_900, updated: 1, unchanged: 99))
            #expect(try await store.bars(of: key, in: nil) == changed)
            #expect(try #require(try await store.summaries(market: .usdm).first).barCount == 20_000)

            // A malformed decimal deep in the spool: nothing of the write is kept, the stored bars stay as they were.
            var bad = Fixtures.bars(12_000).map { bar in
                var bar = bar
                bar.close = "7.0"
                return bar
            }
            bad[11_000].volume = "1e5"
            let badSpool = try BarSpool()
            try badSpool.append(bad)
            var badSeries = SeriesWrite(key: key, bars: [])
            badSeries.spooled = badSpool
            await #expect(throws: (any Error).self) {
                _ = try await store.write(Fixtures.write(key, badSeries))
            }
            #expect(try await store.bars(of: key, in: nil) == changed)
        }
    }

    @Test(arguments: StoreBackend.all)
    func deletesRangesThenInsertsInOneWrite(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            _ = try await store.write(Fixtures.write(key, bars: Fixtures.bars(10)))
            // Replace bars 2..<6 with new content for 2..<4 only.
            let range = TimeRange(
                start: Fixtures.hour.advance(Fixtures.start, by: 2),
                end: Fixtures.hour.advance(Fixtures.start, by: 6))
            let fresh = [2, 3].map { Fixtures.bar(Fixtures.hour.advance(Fixtures.start, by: $0), close: "9.9") }
            let counts = try await store.write(
                Fixtures.write(key, SeriesWrite(key: key, deleteRanges: [range], bars: fresh))
            ).total
            #expect(counts == WriteCounts(inserted: 2, deleted: 4))
            let stored = try await store.bars(of: key, in: nil)
            #expect(stored.count == 8)
            #expect(stored.filter { range.contains($0.openTime) }.map(\.close) == ["9.9", "9.9"])
            let summary = try #require(try await store.summaries(market: .usdm).first)
            #expect(summary.barCount == 8)
        }
    }

    @Test(arguments: StoreBackend.all)
    func failedWriteLeavesNothingOfTheSymbol(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let hourly = Fixtures.key("ETHUSDT")
            let daily = Fixtures.key("ETHUSDT", Interval(name: "1d")!)
            _ = try await store.write(Fixtures.write(hourly, bars: Fixtures.bars(5)))
            let before = try await store.summaries(market: .usdm)

            // The first series is fine; the second carries a bar with negative trades, which the store refuses
            // only when it reaches that row, after the first series, the deletion and the instrument were written.
            var bad = Fixtures.bars(200, daily.interval)
            bad[130].trades = -1
            let write = SymbolWrite(
                market: .usdm, symbol: "ETHUSDT", instrument: Fixtures.instrument("ETHUSDT"),
                series: [
                    SeriesWrite(
                        key: hourly, deleteRanges: [TimeRange(start: Fixtures.start, end: Fixtures.start + 1)],
                        bars: Fixtures.bars(20, from: Fixtures.hour.advance(Fixtures.start, by: 100)),
                        listingFloor: Fixtures.start, emptyRanges: [TimeRange(start: 0, end: 1000)]),
                    SeriesWrite(key: daily, bars: bad, listingFloor: Fixtures.start),
                ])
            await #expect(throws: (any Error).self) { try await store.write(write) }

            #expect(try await store.summaries(market: .usdm) == before)
            #expect(try await store.bars(of: hourly, in: nil) == Fixtures.bars(5))
            #expect(try await store.bars(of: daily, in: nil).isEmpty)
            #expect(try await store.instruments(market: .usdm).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func refusesMalformedDecimalsAndForeignSeries(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            var bars = Fixtures.bars(140)
            bars[129].volume = "1e5"
            let refused = await #expect(throws: (any Error).self) {
                try await store.write(Fixtures.write(key, bars: bars))
            }
            #expect("\(refused.map { "\($0)" } ?? "")".contains("volume '1e5' that is not a decimal"))
            let foreign = SymbolWrite(
                market: .usdm, symbol: "BTCUSDT",
                series: [SeriesWrite(key: Fixtures.key("ETHUSDT"), bars: Fixtures.bars(2))])
            await #expect(throws: (any Error).self) { try await store.write(foreign) }
            let badName = Fixtures.key("BTC'; DROP TABLE bars; --")
            await #expect(throws: (any Error).self) {
                try await store.write(Fixtures.write(badName, bars: Fixtures.bars(1)))
            }
            let summaries = try await store.summaries(market: .usdm)
            #expect(summaries.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func summariesReportFirstLastAndCountPerSeries(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            #expect(try await store.summaries(market: .usdm).isEmpty)
            let btc = Fixtures.key("BTCUSDT")
            let eth = Fixtures.key("ETHUSDT", Fixtures.month)
            let spot = Fixtures.key("BTCUSDT", market: .spot)
            _ = try await store.write(Fixtures.write(btc, bars: Fixtures.bars(48, missing: [5, 6, 30])))
            _ = try await store.write(Fixtures.write(eth, bars: Fixtures.bars(13, Fixtures.month)))
            _ = try await store.write(Fixtures.write(spot, bars: Fixtures.bars(2)))

            let summaries = try await store.summaries(market: .usdm)
            #expect(summaries.map(\.key) == [btc, eth])
            let hourly = summaries[0]
            #expect(hourly.firstOpenTime == Fixtures.start)
            #expect(hourly.lastOpenTime == Fixtures.hour.advance(Fixtures.start, by: 47))
            #expect(hourly.barCount == 45)
            #expect(hourly.expectedCount == 48)
            #expect(hourly.hasInteriorGaps)
            let monthly = summaries[1]
            #expect(monthly.firstOpenTime == Fixtures.start)
            #expect(monthly.lastOpenTime == Timestamp.parse("2025-01-01"))
            #expect(monthly.barCount == 13)
            #expect(!monthly.hasInteriorGaps)
            #expect(try await store.summaries(market: .spot).map(\.barCount) == [2])
            #expect(try await store.summaries(market: .coinm).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func listingFloorAndEmptyRangesPersist(backend: StoreBackend) async throws {
        try await backend.withStore { store, database in
            let key = Fixtures.key()
            let floor = Fixtures.start - 86_400_000
            _ = try await store.write(
                Fixtures.write(
                    key,
                    SeriesWrite(
                        key: key, bars: Fixtures.bars(2), listingFloor: floor,
                        emptyRanges: [TimeRange(start: 100, end: 200), TimeRange(start: 500, end: 600)])))
            // A later write merges overlapping and touching ranges and keeps the floor when it gives none.
            _ = try await store.write(
                Fixtures.write(
                    key,
                    SeriesWrite(
                        key: key, emptyRanges: [TimeRange(start: 150, end: 300), TimeRange(start: 600, end: 700)])))
            let reopened = try await database.open()
            let summary = try #require(try await reopened.summaries(market: .usdm).first)
            try await reopened.close()
            #expect(summary.listingFloor == floor)
            #expect(summary.emptyRanges == [TimeRange(start: 100, end: 300), TimeRange(start: 500, end: 700)])
            #expect(summary.barCount == 2)

            _ = try await store.write(Fixtures.write(key, SeriesWrite(key: key, listingFloor: Fixtures.start)))
            #expect(try await store.summaries(market: .usdm).first?.listingFloor == Fixtures.start)
        }
    }

    @Test(arguments: StoreBackend.all)
    func seriesWithOnlyStateHasASummaryWithoutBars(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key("NEWUSDT")
            _ = try await store.write(Fixtures.write(key, SeriesWrite(key: key, listingFloor: Fixtures.start)))
            let summary = try #require(try await store.summaries(market: .usdm).first)
            #expect(summary.barCount == 0)
            #expect(summary.firstOpenTime == nil && summary.lastOpenTime == nil)
            #expect(summary.listingFloor == Fixtures.start)
        }
    }

    @Test(arguments: StoreBackend.all)
    func instrumentsAreUpserted(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let key = Fixtures.key()
            _ = try await store.write(Fixtures.write(key, bars: [], instrument: Fixtures.instrument()))
            _ = try await store.write(
                Fixtures.write(Fixtures.key("ETHUSDT"), bars: [], instrument: Fixtures.instrument("ETHUSDT")))
            let both = try await store.instruments(market: .usdm)
            #expect(both == [Fixtures.instrument(), Fixtures.instrument("ETHUSDT")])

            var delisted = Fixtures.instrument(status: .delisted)
            delisted.contractType = nil
            delisted.marginAsset = nil
            _ = try await store.write(Fixtures.write(key, bars: [], instrument: delisted))
            #expect(try await store.instruments(market: .usdm).first == delisted)
            #expect(try await store.instruments(market: .spot).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.all)
    func runsAreRecordedAndUpdated(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            var run = RunRecord(
                id: "run-1", manifestDigest: "abc", startedAt: 1, finishedAt: nil, status: "running", report: nil)
            try await store.recordRun(run)
            run.finishedAt = 2
            run.status = "ok"
            run.report = #"{"format_version":"1"}"#
            try await store.recordRun(run)
            try await store.recordRun(
                RunRecord(
                    id: "run-2", manifestDigest: "abc", startedAt: 3, finishedAt: 4, status: "partial",
                    report: "{}"))
        }
    }
}
