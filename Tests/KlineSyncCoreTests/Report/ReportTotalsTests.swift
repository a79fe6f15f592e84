import Testing

@testable import KlineSyncCore

/// The report's totals count every request the run sent, also those of symbols that failed part-way.
struct ReportTotalsTests {
    let now = Timestamp.parse("2024-06-10T12:34:56Z")!

    func manifest() -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:k.sqlite
                intervals:
                  1m: { bars: 3000 }
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    func run(_ exchange: FakeExchange) async throws -> Report {
        let store = InMemoryStore()
        let plan = Planner.plan(
            Planner.Input(
                manifest: manifest(), exchangeInfo: try await exchange.exchangeInfo(), serverTime: now,
                snapshot: try await StoreSnapshot.load(from: store, market: .usdm)))
        return await Executor(exchange: exchange, store: store).execute(
            plan, options: .init(runID: "r", concurrency: 2))
    }

    @Test func totalsIncludeRequestsAndWeightOfASymbolThatFailedPartWay() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0])
        // BBBUSDT hands over 4 pages (4 requests, weight 20), then its fifth page fails 3 attempts (weight 15).
        exchange.failingAfterPages.withLock { $0 = ["BBBUSDT": 4] }
        let report = try await run(exchange)
        #expect(report.status == .partial)
        let failed = try #require(report.symbols.first { $0.symbol == "BBBUSDT" })
        #expect(failed.status == .failed)
        let ok = try #require(report.symbols.first { $0.symbol == "AAAUSDT" })
        let okRequests = ok.series.reduce(0) { $0 + $1.requests }
        let okWeight = ok.series.reduce(0) { $0 + $1.weight }
        #expect(okRequests > 0)
        let sent = await exchange.requestTotals()
        #expect(sent.requests == okRequests + 4 + 3)
        #expect(report.totals.requests == sent.requests)
        #expect(report.totals.weightUsed == okWeight + 20 + 15)
        #expect(report.totals.retries == sent.retries)
        #expect(
            report.summaryLine.contains("\(sent.requests) requests, weight \(okWeight + 35)"), "\(report.summaryLine)")
    }

    @Test func totalsOfARunWhoseEverySymbolFailedAreNotZero() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0])
        exchange.failingAfterPages.withLock { $0 = ["AAAUSDT": 2, "BBBUSDT": 1] }
        let report = try await run(exchange)
        #expect(report.status == .failed)
        #expect(report.totals.requests == (2 + 3) + (1 + 3))
        #expect(report.totals.weightUsed == 5 * ((2 + 3) + (1 + 3)))
    }

    @Test func totalsOfASuccessfulRunEqualTheSeriesSums() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0])
        let report = try await run(exchange)
        #expect(report.status == .ok)
        let series = report.symbols.flatMap(\.series)
        #expect(report.totals.requests == series.reduce(0) { $0 + $1.requests })
        #expect(report.totals.weightUsed == series.reduce(0) { $0 + $1.weight })
        #expect(report.totals.requests == (await exchange.requestTotals()).requests)
    }
}
