import Synchronization
import Testing

@testable import KlineSyncCore

/// An archive whose files hold the fake exchange's bars, with scripted fallbacks and holes per file.
final class FakeArchive: ArchiveSource {
    let exchange: FakeExchange
    /// `SYMBOL PERIOD` → the fallback that file gives.
    let fallbacks = Mutex<[String: ArchiveFallback.Reason]>([:])
    /// `SYMBOL PERIOD` → rows left out at the start of that file.
    let holes = Mutex<[String: Int]>([:])
    /// Every file fetched, as `SYMBOL PERIOD`.
    let fetched = Mutex<[String]>([])

    init(exchange: FakeExchange) { self.exchange = exchange }

    static func name(_ file: ArchiveFileID) -> String {
        "\(file.symbol) \(ArchivePeriod(file.granularity, containing: file.periodStart))"
    }

    func fetch(_ file: ArchiveFileID) async throws -> ArchiveFetch {
        let name = Self.name(file)
        fetched.withLock { $0.append(name) }
        if let reason = fallbacks.withLock({ $0[name] }) {
            return ArchiveFetch(outcome: .fallback(ArchiveFallback(reason, "scripted")), requests: 2, bytes: 10)
        }
        var bars: [Bar] = []
        let listed = exchange.listings[file.symbol] ?? 0
        var open = file.interval.ceil(max(file.period.start, listed))
        while open < file.period.end && file.interval.next(open) - 1 < exchange.now {
            if !exchange.outages.contains(where: { $0.contains(open) }) {
                bars.append(exchange.bar(file.symbol, file.interval, open))
            }
            open = file.interval.next(open)
        }
        guard !bars.isEmpty else {
            return ArchiveFetch(outcome: .fallback(ArchiveFallback(.missing, "no bars")), requests: 2, bytes: 0)
        }
        bars.removeFirst(min(bars.count, holes.withLock { $0[name] } ?? 0))
        return ArchiveFetch(outcome: .bars(bars), requests: 2, bytes: bars.count * 50)
    }
}

/// The fake exchange with `onboardDate` in its instrument list, as Binance lists it.
struct ListedExchange: Exchange {
    let base: FakeExchange
    var market: Market { base.market }

    func serverTime() async throws -> Int64 { base.now }

    func exchangeInfo() async throws -> ExchangeInfo {
        var info = try await base.exchangeInfo()
        for index in info.instruments.indices {
            let listed = base.listings[info.instruments[index].symbol] ?? 0
            info.instruments[index].onboardDate = listed > 0 ? listed : nil
        }
        return info
    }

    func fetchBars(
        _ dataset: Dataset, symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch {
        try await base.fetchBars(
            dataset, symbol: symbol, interval: interval, range: range, horizon: horizon, paging: paging,
            receive: receive)
    }
}

/// The executor with archive files planned: the same bars as REST alone, each fallback and hole fetched by REST for
/// its own range only, listing floors and outages found as with REST.
@Suite struct ArchiveExecutorTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    let now = Timestamp.parse("2024-06-10T12:34:56Z")!
    let planning = ArchivePlanning(monthlyLagMillis: 2 * 86_400_000, dailyLagMillis: 6 * 3_600_000)

    func manifest() -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:k.sqlite
                intervals:
                  5m: { since: 2024-04-20 }
                  1h: { bars: 3000 }
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    func plan(_ exchange: FakeExchange, _ store: InMemoryStore, archive: Bool) async throws -> Plan {
        Planner.plan(
            Planner.Input(
                manifest: manifest(), exchangeInfo: try await ListedExchange(base: exchange).exchangeInfo(),
                serverTime: now,
                snapshot: try await StoreSnapshot.load(from: store, market: .usdm), archive: archive ? planning : nil))
    }

    /// Applies the manifest once with the archive, once without, into two stores; returns both and the archive run's
    /// report.
    func runBoth(
        listings: [String: Int64], outages: [TimeRange] = [], script: (FakeArchive) -> Void = { _ in }
    ) async throws -> (archived: InMemoryStore, rest: InMemoryStore, report: Report, archive: FakeArchive, plan: Plan) {
        let exchange = FakeExchange(now: now, listings: listings, outages: outages)
        let archive = FakeArchive(exchange: exchange)
        script(archive)
        let archived = InMemoryStore()
        let archivePlan = try await plan(exchange, archived, archive: true)
        #expect(archivePlan.totals.archiveFiles ?? 0 > 0)
        let report = await Executor(exchange: exchange, store: archived, archive: archive).execute(
            archivePlan, options: .init(runID: "a", concurrency: 2))
        let rest = InMemoryStore()
        let restExchange = FakeExchange(now: now, listings: listings, outages: outages)
        _ = await Executor(exchange: restExchange, store: rest).execute(
            try await plan(restExchange, rest, archive: false), options: .init(runID: "r", concurrency: 2))
        return (archived, rest, report, archive, archivePlan)
    }

    func digests(_ store: InMemoryStore) async throws -> [String: String] {
        var result: [String: String] = [:]
        for summary in try await store.summaries(market: .usdm) {
            result["\(summary.key)"] =
                try await store.digest(of: summary.key)
                + " floor=\(summary.listingFloor ?? -1) empty=\(summary.emptyRanges)"
        }
        return result
    }

    @Test func theArchiveGivesTheSameDatasetAsREST() async throws {
        let run = try await runBoth(
            listings: ["AAAUSDT": 0, "BBBUSDT": Timestamp.parse("2024-05-13T07:00:00Z")!],
            outages: [TimeRange(start: now - 12 * Self.day, end: now - 12 * Self.day + 5 * Self.hour)])
        #expect(run.report.status == .ok)
        #expect(try await digests(run.archived) == digests(run.rest))
        let archive = try #require(run.report.totals.archive)
        #expect(archive.filesVerified > 0 && archive.filesFallenBack == 0)
        #expect(run.report.summaryLine.contains(", \(archive.filesVerified) archive files verified, "))
        // Whole months of the newly listed symbol start at its listing month; May 2024 is a monthly file.
        #expect(run.archive.fetched.withLock { $0.contains("BBBUSDT 2024-05") && !$0.contains("BBBUSDT 2024-04") })
        // After the archive-backed apply the plan converges.
        let exchange = FakeExchange(
            now: now, listings: ["AAAUSDT": 0, "BBBUSDT": Timestamp.parse("2024-05-13T07:00:00Z")!])
        #expect(!(try await plan(exchange, run.archived, archive: true)).hasChanges)
    }

    @Test(arguments: ArchiveFallback.Reason.allCases)
    func aFallbackFetchesThatFilesRangeByRESTAlone(reason: ArchiveFallback.Reason) async throws {
        let run = try await runBoth(listings: ["AAAUSDT": 0, "BBBUSDT": 0]) {
            $0.fallbacks.withLock { $0["AAAUSDT 2024-05"] = reason }
        }
        #expect(run.report.status == .ok)
        #expect(try await digests(run.archived) == digests(run.rest))
        let totals = try #require(run.report.totals.archive)
        // Every planned file of that month fell back (one per series that planned it), and no other file.
        let mayFiles = run.plan.series.filter { $0.symbol == "AAAUSDT" }.flatMap(\.actions)
            .flatMap { $0.archive ?? [] }.filter { $0.description == "2024-05" }.count
        #expect(mayFiles >= 1)
        #expect(totals.filesFallenBack == mayFiles)
        #expect(totals.fallbacks == [reason.rawValue: mayFiles])
        let series = try #require(
            run.report.symbols.first { $0.symbol == "AAAUSDT" }?.series.first { $0.interval == "5m" })
        #expect(series.archiveFallbacks?.map(\.period) == ["2024-05"])
        // REST fetched what the plan gave it, and May 2024 alone besides: not everything after May.
        let planned = try #require(run.plan.series.first { $0.symbol == "AAAUSDT" && $0.interval.name == "5m" })
        let may = try #require(ArchivePeriod(name: "2024-05")).range
        let extra = Paging.cost(market: .usdm, interval: Interval(name: "5m")!, range: may, mode: run.plan.paging!)
        #expect(series.requests == planned.requests + extra.requests)
    }

    @Test func rowsAFileLacksAreFetchedByRESTInTheirPlace() async throws {
        let run = try await runBoth(listings: ["AAAUSDT": 0]) {
            $0.holes.withLock { $0["AAAUSDT 2024-05"] = 3 }
        }
        #expect(run.report.status == .ok)
        #expect(try await digests(run.archived) == digests(run.rest))
        #expect(run.report.totals.archive?.filesFallenBack == 0)
    }

    @Test func theArchivePlanSavesWeight() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0])
        let rest = try await plan(exchange, InMemoryStore(), archive: false)
        let archived = try await plan(exchange, InMemoryStore(), archive: true)
        #expect(archived.totals.weight < rest.totals.weight)
        #expect(archived.totals.barsToFetch == rest.totals.barsToFetch)
        #expect(archived.summaryLine.contains(" archive files, about "), "\(archived.summaryLine)")
        let actions = archived.series.flatMap(\.actions).filter { $0.archiveFiles > 0 }
        #expect(actions.contains { $0.archive?.contains(ArchivePeriod(name: "2024-05")!) ?? false })
    }
}
