import Testing

@testable import KlineSyncCore

/// Planner and executor together over an in-memory store and a scripted exchange: the plan/apply loop converges,
/// failures write nothing, listing floors and outages stop re-planning.
struct ExecutorTests {
    static let hour: Int64 = 3_600_000
    let now = Timestamp.parse("2024-06-10T12:34:56Z")!

    func manifest(_ extra: String = "") -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:k.sqlite
                intervals:
                  1h: { bars: 300 }
                  4h: { bars: 50 }
                \(extra)
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    func cycle(
        _ manifest: Manifest, _ exchange: FakeExchange, _ store: InMemoryStore, now: Int64? = nil,
        force: [ForceSelector] = []
    )
        async throws -> (Plan, Report)
    {
        let snapshot = try await StoreSnapshot.load(from: store, market: .usdm)
        let plan = Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: try await exchange.exchangeInfo(), serverTime: now ?? self.now,
                snapshot: snapshot, force: force))
        let report = await Executor(exchange: exchange, store: store).execute(
            plan, options: .init(runID: "r", concurrency: 4))
        return (plan, report)
    }

    func replan(_ manifest: Manifest, _ exchange: FakeExchange, _ store: InMemoryStore, now: Int64? = nil) async throws
        -> Plan
    {
        let snapshot = try await StoreSnapshot.load(from: store, market: .usdm)
        return Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: try await exchange.exchangeInfo(), serverTime: now ?? self.now,
                snapshot: snapshot))
    }

    @Test func applyThenPlanConverges() async throws {
        let exchange = FakeExchange(
            now: now, listings: ["AAAUSDT": 0, "BBBUSDT": now - 100 * Self.hour],
            outages: [TimeRange(start: now - 50 * Self.hour, end: now - 45 * Self.hour)])
        let store = InMemoryStore()
        let (_, report) = try await cycle(manifest(), exchange, store)
        #expect(report.status == .ok)
        #expect(report.totals.symbolsOk == 2)
        let again = try await replan(manifest(), exchange, store)
        #expect(!again.hasChanges, "\(again.render())")
        // The newly listed symbol recorded its listing floor, and the outage was recorded as confirmed empty.
        let summaries = try await store.summaries(market: .usdm)
        let listed = try #require(summaries.first { $0.key.symbol == "BBBUSDT" && $0.key.interval.name == "1h" })
        #expect(listed.listingFloor == Interval(name: "1h")!.ceil(now - 100 * Self.hour))
        #expect(!listed.emptyRanges.isEmpty)
        // One hour later exactly one new 1h bar is planned per symbol.
        let later = try await replan(manifest(), exchange, store, now: now + Self.hour)
        #expect(later.totals.count(.extend) == 2)
        #expect(later.totals.barsToFetch == 2)
    }

    @Test func failedSymbolWritesNothingAndOthersCommit() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0, "CCCUSDT": 0])
        exchange.failing.withLock { $0 = ["BBBUSDT"] }
        let store = InMemoryStore()
        let (_, report) = try await cycle(manifest(), exchange, store)
        #expect(report.status == .partial)
        let failed = try #require(report.symbols.first { $0.symbol == "BBBUSDT" })
        #expect(failed.status == .failed)
        #expect(failed.error?.code == "http_503")
        let stored = Set(try await store.summaries(market: .usdm).map(\.key.symbol))
        #expect(stored == ["AAAUSDT", "CCCUSDT"])
        exchange.failing.withLock { $0 = [] }
        let (_, second) = try await cycle(manifest(), exchange, store)
        #expect(second.status == .ok && second.symbols.map(\.symbol) == ["BBBUSDT"])
        #expect(!(try await replan(manifest(), exchange, store)).hasChanges)
    }

    @Test func failedForceKeepsOldBarsAndSuccessfulForceReplaces() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0])
        let store = InMemoryStore()
        _ = try await cycle(manifest(), exchange, store)
        let key = SeriesKey(market: .usdm, symbol: "AAAUSDT", interval: Interval(name: "1h")!)
        let before = try await store.bars(of: key, in: nil)
        exchange.revision.withLock { $0 = 1 }
        exchange.failing.withLock { $0 = ["AAAUSDT"] }
        let forced = manifest("force:\n  - { symbols: [AAAUSDT], intervals: [1h], range: { last: 3 } }")
        let (_, failedRun) = try await cycle(forced, exchange, store)
        #expect(failedRun.status == .failed)
        #expect(try await store.bars(of: key, in: nil) == before)
        exchange.failing.withLock { $0 = [] }
        let (_, run) = try await cycle(forced, exchange, store)
        #expect(run.status == .ok)
        let after = try await store.bars(of: key, in: nil)
        #expect(after.count == before.count)
        #expect(Array(after.dropLast(3)) == Array(before.dropLast(3)))
        #expect(after.suffix(3).allSatisfy { $0.close.hasSuffix(".10") })
        #expect(run.totals.barsUpdated == 3 && run.totals.barsDeleted == 0 && run.totals.barsInserted == 0)
    }

    @Test func stopSignalSkipsRemainingSymbols() async throws {
        let exchange = FakeExchange(
            now: now,
            listings: Dictionary(uniqueKeysWithValues: (0..<20).map { (String(format: "S%02dUSDT", $0), Int64(0)) }))
        let store = InMemoryStore()
        let snapshot = try await StoreSnapshot.load(from: store, market: .usdm)
        let plan = Planner.plan(
            Planner.Input(
                manifest: manifest(), exchangeInfo: try await exchange.exchangeInfo(), serverTime: now,
                snapshot: snapshot))
        let stop = StopSignal()
        stop.stop(.interrupted(signal: "SIGINT"))
        let report = await Executor(exchange: exchange, store: store).execute(
            plan, options: .init(runID: "r", concurrency: 2, stop: stop))
        #expect(report.totals.symbolsSkipped == 20)
        #expect(report.status == .partial && report.interrupted)
        #expect(exchange.calls.withLock { $0 } == 0)
    }

    /// A long backfill goes through the disk spool: the symbol never holds more than its share of the memory budget
    /// (plus one page), and the stored result is exactly what a run without spooling stores.
    @Test func longBackfillSpoolsAndStoresTheSame() async throws {
        let spooledManifest = manifest(
            "  1m: { lookback: 3d }\nforce:\n  - { symbols: [AAAUSDT], intervals: [1m], range: { last: 3000 } }")
        let exchange = FakeExchange(
            now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0],
            outages: [TimeRange(start: now - 30 * Self.hour, end: now - 29 * Self.hour)])
        func run(memoryBars: Int) async throws -> ([Report.Totals], InMemoryStore, Executor.SpoolStats) {
            let store = InMemoryStore()
            let stats = Executor.SpoolStats()
            var totals: [Report.Totals] = []
            exchange.revision.withLock { $0 = 0 }
            for pass in 0..<2 {
                // The second run replaces the forced range with revised bars: spooled bars meet stored ones.
                if pass == 1 { exchange.revision.withLock { $0 = 1 } }
                let snapshot = try await StoreSnapshot.load(from: store, market: .usdm)
                let plan = Planner.plan(
                    Planner.Input(
                        manifest: spooledManifest, exchangeInfo: try await exchange.exchangeInfo(), serverTime: now,
                        snapshot: snapshot))
                let report = await Executor(exchange: exchange, store: store).execute(
                    plan, options: .init(runID: "r", concurrency: 2, memoryBars: memoryBars, spoolStats: stats))
                #expect(report.status == .ok)
                totals.append(report.totals)
            }
            let snapshot = try await StoreSnapshot.load(from: store, market: .usdm)
            let check = Planner.plan(
                Planner.Input(
                    manifest: spooledManifest, exchangeInfo: try await exchange.exchangeInfo(), serverTime: now,
                    snapshot: snapshot))
            #expect(check.series.allSatisfy { $0.actions.allSatisfy { $0.kind == .noop || $0.kind == .replace } })
            return (totals, store, stats)
        }
        let (plainTotals, plain, plainStats) = try await run(memoryBars: 10_000_000)
        let (totals, spooled, stats) = try await run(memoryBars: 2_000)  // 1,000 bars per symbol at concurrency 2
        #expect(totals.map(\.barsInserted) == plainTotals.map(\.barsInserted))
        #expect(totals.map(\.barsUpdated) == plainTotals.map(\.barsUpdated))
        // 60 in the outage.
        #expect(totals[1].barsUpdated == 2940 && totals[1].barsInserted == 0 && totals[1].barsFetched == 2940)
        #expect(plainStats.spooledBars == 0)
        #expect(stats.spooledBars > 8_000)
        #expect(stats.spooledSeries == 3)  // both 1m series, then the forced one; 1h (300) and 4h (50) stay in memory
        #expect(stats.peakSymbolBarsInMemory <= 1_000 + 499)
        for symbol in ["AAAUSDT", "BBBUSDT"] {
            for interval in ["1m", "1h", "4h"] {
                let key = SeriesKey(market: .usdm, symbol: symbol, interval: Interval(name: interval)!)
                let expected = try await plain.bars(of: key, in: nil)
                #expect(expected.count > 0)
                #expect(try await spooled.bars(of: key, in: nil) == expected, "\(symbol) \(interval)")
            }
        }
    }
}
