import Foundation
import Synchronization
import Testing

@testable import KlineSyncCore

/// `Sync` over an in-memory store and a scripted exchange: the apply flow as one call (refresh, snapshot, plan or
/// staleness, execute, re-plan under locks, run record), and every way it applies nothing.
struct SyncTests {
    static let hour: Int64 = 3_600_000
    let now = Timestamp.parse("2024-06-10T12:34:56Z")!

    func manifest(_ bars: Int = 300) -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:/tmp/memory.sqlite
                intervals:
                  1h: { bars: \(bars) }
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    func exchange() -> FakeExchange {
        // CCCUSDT was listed mid-hour 100 hours ago: 99 closed hourly bars.
        FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0, "CCCUSDT": now - 100 * Self.hour])
    }

    func sync(_ exchange: FakeExchange, _ connector: MemoryConnector, manifest: Manifest? = nil) -> Sync {
        Sync(manifest: manifest ?? self.manifest(), exchange: exchange, database: connector, endpoint: "fake")
    }

    @Test func applyConvergesAndRecordsTheRun() async throws {
        let store = InMemoryStore()
        let connector = MemoryConnector(store: store, exists: false)
        let observer = RecordingObserver()
        let sync = sync(exchange(), connector)
        let result = await sync.apply(Sync.ApplyOptions(runID: "run-1", observer: observer))
        #expect(result.failure == nil)
        #expect(result.report.status == .ok && result.report.totals.symbolsOk == 3)
        #expect(result.report.totals.barsInserted == 300 + 300 + 99)
        #expect(result.recorded)
        let runs = store.runs.withLock { $0 }
        #expect(runs.map(\.id) == ["run-1"] && runs.first?.status == "ok")
        let recorded = try JSONCoding.decoder().decode(Report.self, from: Data((runs.first?.report ?? "").utf8))
        #expect(recorded == result.report)
        #expect(observer.started.withLock { $0 } == [3] && observer.finished.withLock { $0 } == 1)
        #expect(observer.symbols.withLock { $0 }.sorted() == ["AAAUSDT", "BBBUSDT", "CCCUSDT"])
        let again = try await sync.plan()
        #expect(!again.hasChanges, "\(again.render())")
    }

    @Test func planReadsWithoutOpeningForWriting() async throws {
        let connector = MemoryConnector(store: InMemoryStore(), exists: false)
        let plan = try await sync(exchange(), connector).plan()
        #expect(plan.hasChanges && plan.lineageId == nil)
        #expect(connector.writeOpens.withLock { $0 } == 0 && !connector.mayExist())
    }

    @Test func anUnreachableExchangeAppliesNothingAndOpensNothing() async throws {
        let exchange = exchange()
        exchange.unreachable.withLock { $0 = true }
        let connector = MemoryConnector(store: InMemoryStore(), exists: false)
        let result = await sync(exchange, connector).apply(Sync.ApplyOptions(runID: "r"))
        let failure = try #require(result.failure as? SyncError)
        guard case .exchange(let message) = failure else {
            Issue.record("not an exchange error: \(failure)")
            return
        }
        #expect(message.contains("cannot read the exchange's instrument list from fake"))
        #expect(result.report.status == .failed && result.report.error?.code == .exchangeUnreachable)
        #expect(connector.writeOpens.withLock { $0 } == 0 && !result.recorded)
    }

    @Test func aSavedPlanForAnAbsentDatabaseIsRefusedBeforeItIsCreated() async throws {
        // A plan made against a database that has since been removed.
        let store = InMemoryStore()
        let made = MemoryConnector(store: store)
        let exchange = exchange()
        _ = await sync(exchange, made).apply(Sync.ApplyOptions(runID: "first", force: []))
        var saved = try await sync(exchange, made).plan()
        saved.lineageId = "memory-lineage"
        let absent = MemoryConnector(store: InMemoryStore(), exists: false)
        let result = await sync(exchange, absent).apply(Sync.ApplyOptions(runID: "r", saved: saved))
        #expect(result.report.error?.code == .stalePlan, "\(String(describing: result.failure))")
        #expect(absent.writeOpens.withLock { $0 } == 0)
    }

    @Test func aSavedPlanIsRefusedWhenItsSeriesChangedAndNothingIsWritten() async throws {
        let store = InMemoryStore()
        let connector = MemoryConnector(store: store)
        let exchange = exchange()
        let saved = try await sync(exchange, connector, manifest: manifest(100)).plan()
        // Another apply writes first.
        _ = await sync(exchange, connector, manifest: manifest(100)).apply(Sync.ApplyOptions(runID: "other"))
        let before = try await store.summaries(market: .usdm)
        let result = await sync(exchange, connector, manifest: manifest(100)).apply(
            Sync.ApplyOptions(runID: "r", saved: saved))
        let failure = try #require(result.failure as? SyncError)
        #expect(failure.description.contains("plan is stale: AAAUSDT 1h, BBBUSDT 1h, CCCUSDT 1h changed"))
        #expect(result.report.error?.code == .stalePlan && !result.recorded)
        #expect(
            try await store.summaries(market: .usdm).sorted { $0.key < $1.key } == before.sorted { $0.key < $1.key })
        #expect(store.runs.withLock { $0.map(\.id) } == ["other"])
    }

    @Test func aSavedPlanRunsExactlyWhenNothingChanged() async throws {
        let store = InMemoryStore()
        let connector = MemoryConnector(store: store)
        let exchange = exchange()
        let saved = try await sync(exchange, connector).plan()
        let result = await sync(exchange, connector).apply(Sync.ApplyOptions(runID: "r", saved: saved))
        #expect(result.failure == nil && result.report.status == .ok)
        #expect(result.report.serverTime == saved.serverTime)
    }

    @Test func failedSymbolsMakeAPartialRunThatIsStillRecorded() async throws {
        let store = InMemoryStore()
        let exchange = exchange()
        exchange.failing.withLock { $0 = ["BBBUSDT"] }
        let result = await sync(exchange, MemoryConnector(store: store)).apply(Sync.ApplyOptions(runID: "r"))
        #expect(result.report.status == .partial)
        #expect(result.report.symbols.map(\.status) == [.ok, .failed, .ok])
        #expect(result.report.symbols[1].error?.code == "http_503")
        #expect(store.runs.withLock { $0.map(\.status) } == ["partial"])
        #expect(try await store.summaries(market: .usdm).map(\.key.symbol).sorted() == ["AAAUSDT", "CCCUSDT"])
    }

    @Test func anInterruptionSkipsWhatHasNotStarted() async throws {
        let store = InMemoryStore()
        let stop = StopSignal()
        let observer = RecordingObserver()
        observer.onStart.withLock { $0 = { stop.stop(.interrupted(signal: "SIGTERM")) } }
        let result = await sync(exchange(), MemoryConnector(store: store)).apply(
            Sync.ApplyOptions(runID: "r", stop: stop, observer: observer))
        #expect(result.failure == nil)
        #expect(result.report.status == .partial && result.report.interrupted)
        #expect(result.report.error == Report.ErrorInfo(code: .stopped, message: "interrupted by SIGTERM"))
        #expect(result.report.symbols.allSatisfy { $0.status == .skipped })
        #expect(try await store.summaries(market: .usdm).isEmpty)
        #expect(result.recorded)
    }

    @Test func abandoningTheRunLeavesItOutOfTheRunsTable() async throws {
        let store = InMemoryStore()
        let observer = RecordingObserver()
        let sync = sync(exchange(), MemoryConnector(store: store))
        let holder = Mutex<Task<ApplyResult, Never>?>(nil)
        let gate = Mutex(false)
        observer.onStart.withLock { $0 = { holder.withLock { $0?.cancel() } } }
        let task = Task {
            while !gate.withLock({ $0 }) { await Task.yield() }
            return await sync.apply(Sync.ApplyOptions(runID: "r", observer: observer))
        }
        holder.withLock { $0 = task }
        gate.withLock { $0 = true }
        let result = await task.value
        #expect(result.failure == nil && !result.recorded)
        #expect(store.runs.withLock { $0.isEmpty })
    }

    @Test func waitingForTheWriterLockPlansFromTheExchangeAgain() async throws {
        let store = InMemoryStore()
        let connector = MemoryConnector(store: store)
        connector.lock.withLock { $0 = .busyThenFree }
        let exchange = exchange()
        let observer = RecordingObserver()
        let result = await sync(exchange, connector).apply(Sync.ApplyOptions(runID: "r", observer: observer))
        #expect(result.failure == nil && result.report.status == .ok)
        #expect(observer.waits.withLock { $0 } == ["pid 1 on test"])
        #expect(exchange.infoReads.withLock { $0 } == 2)
    }

    @Test func aWriterLockHeldThroughTheTimeoutIsCodedLocked() async throws {
        let connector = MemoryConnector(store: InMemoryStore())
        connector.lock.withLock { $0 = .busy }
        let result = await sync(exchange(), connector).apply(Sync.ApplyOptions(runID: "r", lockTimeout: 0))
        #expect(result.failure is MemoryConnector.Busy)
        #expect(
            result.report.error
                == Report.ErrorInfo(code: .locked, message: "another klinesync apply is writing to memory"))
    }

    @Test func aSharedStoreRePlansEachSymbolUnderItsLock() async throws {
        let shared = SharedMemoryStore()
        let exchange = exchange()
        let manifest = manifest()
        // Another agent applies BBBUSDT between this run's plan and its lock on BBBUSDT.
        let other = Sync(
            manifest: manifest, exchange: exchange, database: MemoryConnector(store: shared.inner), endpoint: "fake")
        shared.beforeLock.withLock {
            $0["BBBUSDT"] = {
                var only = try await other.plan()
                only.series = only.series.filter { $0.symbol == "BBBUSDT" }
                _ = await Executor(exchange: exchange, store: shared.inner).execute(
                    only, options: .init(runID: "other", concurrency: 1))
            }
        }
        let result = await Sync(
            manifest: manifest, exchange: exchange, database: MemoryConnector(store: shared), endpoint: "fake"
        ).apply(Sync.ApplyOptions(runID: "r"))
        #expect(result.report.status == .ok)
        let bbb = try #require(result.report.symbols.first { $0.symbol == "BBBUSDT" })
        // Re-planned under its lock: the other agent's work is not done again.
        #expect(bbb.status == .ok && bbb.series.isEmpty)
        #expect(result.report.totals.barsInserted == 300 + 99)
        #expect(shared.held.withLock { $0.isEmpty })
        let again = try await Sync(
            manifest: manifest, exchange: exchange, database: MemoryConnector(store: shared), endpoint: "fake"
        ).plan()
        #expect(!again.hasChanges)
    }
}
