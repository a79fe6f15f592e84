import KlineSyncCore
import KlineSyncSimulator
import Testing

@testable import KlineSyncBinance

/// The archive client against the simulator's archive on a real loopback port: verified files give exactly REST's
/// bars on every market; every archive fault ends in its fallback reason, for the faulty symbol's files only.
@Suite struct BinanceArchiveTests {
    static let now = CivilDate(year: 2025, month: 6, day: 10).millis

    /// The simulator (clock fixed at `now`, `faults` applied), a REST client and an archive client of it.
    func withArchive<T: Sendable>(
        _ market: Market, faults: [ArchiveFault] = [],
        _ body: (RunningSimulator, BinanceClient, BinanceArchive) async throws -> T
    ) async throws -> T {
        let sim = try await Simulator.start(
            SimulatorConfiguration(
                market: market, seed: 5, symbolCount: 30, universe: .established, weightLimit: 1_000_000,
                clock: .fixed(Self.now), archiveFaults: faults))
        let client = BinanceClient(
            market: market, baseURL: sim.baseURL, pacing: ClientPacing(weightPerMinute: 1_000_000, concurrency: 8),
            logger: Harness.quiet)
        let archive = BinanceArchive(
            baseURL: sim.baseURL, concurrency: 4,
            retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(20)),
            logger: Harness.quiet)
        do {
            _ = try await client.serverTime()
            let value = try await body(sim, client, archive)
            try await client.shutdown()
            try await archive.shutdown()
            await sim.stop()
            return value
        } catch {
            try? await client.shutdown()
            try? await archive.shutdown()
            await sim.stop()
            throw error
        }
    }

    func symbols(_ client: BinanceClient) async throws -> [String] {
        try await client.exchangeInfo().instruments.filter { $0.status == .trading }.map(\.symbol).sorted()
    }

    func file(_ market: Market, _ granularity: ArchiveGranularity, _ symbol: String, _ interval: String, _ date: Int64)
        -> ArchiveFileID
    {
        ArchiveFileID(
            market: market, granularity: granularity, symbol: symbol, interval: Interval(name: interval)!, time: date)
    }

    func bars(_ fetch: ArchiveFetch) -> [Bar]? {
        if case .bars(let bars) = fetch.outcome { return bars }
        return nil
    }

    func reason(_ fetch: ArchiveFetch) -> ArchiveFallback.Reason? {
        if case .fallback(let fallback) = fetch.outcome { return fallback.reason }
        return nil
    }

    @Test(arguments: [
        (Market.spot, ArchiveGranularity.monthly, "1h", CivilDate(year: 2025, month: 1, day: 1).millis),
        (.spot, .daily, "1m", CivilDate(year: 2024, month: 12, day: 31).millis),
        (.usdm, .monthly, "1M", CivilDate(year: 2024, month: 1, day: 1).millis),
        (.usdm, .daily, "5m", CivilDate(year: 2022, month: 4, day: 30).millis),
        (.usdm, .monthly, "1w", CivilDate(year: 2025, month: 3, day: 1).millis),
        (.coinm, .monthly, "4h", CivilDate(year: 2025, month: 4, day: 1).millis),
        (.coinm, .daily, "1d", CivilDate(year: 2025, month: 6, day: 8).millis),
    ])
    func aVerifiedFileHoldsExactlyTheBarsRESTServes(
        market: Market, granularity: ArchiveGranularity, interval: String, date: Int64
    ) async throws {
        try await withArchive(market) { _, client, archive in
            let symbol = try await symbols(client)[0]
            let id = file(market, granularity, symbol, interval, date)
            let fetch = try await archive.fetch(id)
            let rest = try await client.fetchBars(
                symbol: symbol, interval: id.interval, range: id.period, horizon: Self.now)
            let got = try #require(bars(fetch), "\(reason(fetch).map(\.rawValue) ?? "")")
            #expect(!got.isEmpty)
            #expect(got == rest.bars)
            #expect(fetch.requests == 2 && fetch.bytes > 0)
        }
    }

    @Test(arguments: [
        (ArchiveFault.Kind.badChecksum, ArchiveFallback.Reason.checksumMismatch, 4),
        (.noChecksum, .noChecksum, 2),
        (.missing, .missing, 2),
        (.truncated, .brokenZip, 2),
    ])
    func eachFaultEndsInItsFallbackForTheFaultySymbolOnly(
        kind: ArchiveFault.Kind, expected: ArchiveFallback.Reason, requests: Int
    ) async throws {
        try await withArchive(.usdm, faults: [ArchiveFault(symbols: "BTC*", kinds: [kind])]) { _, client, archive in
            let names = try await symbols(client)
            let btc = try #require(names.first { $0.hasPrefix("BTC") })
            let other = try #require(names.first { !$0.hasPrefix("BTC") })
            let date = CivilDate(year: 2025, month: 5, day: 1).millis
            let faulty = try await archive.fetch(file(.usdm, .monthly, btc, "1h", date))
            #expect(reason(faulty) == expected)
            #expect(faulty.requests == requests)
            #expect(bars(try await archive.fetch(file(.usdm, .monthly, other, "1h", date)))?.count == 31 * 24)
        }
    }

    @Test func aFileCorruptedOnceIsVerifiedOnTheSecondDownload() async throws {
        try await withArchive(.usdm, faults: [ArchiveFault(symbols: "*", kinds: [.corruptOnce])]) {
            _, client, archive in
            let symbol = try await symbols(client)[0]
            let fetch = try await archive.fetch(
                file(.usdm, .daily, symbol, "1m", CivilDate(year: 2025, month: 6, day: 1).millis))
            #expect(bars(fetch)?.count == 1440)
            #expect(fetch.requests == 4)
        }
    }

    @Test func aFileWithAHoleIsVerifiedAndLacksOnlyThoseRows() async throws {
        try await withArchive(.usdm, faults: [ArchiveFault(symbols: "*", kinds: [.hole])]) { _, client, archive in
            let symbol = try await symbols(client)[0]
            let id = file(.usdm, .daily, symbol, "1h", CivilDate(year: 2025, month: 6, day: 1).millis)
            let got = try #require(bars(try await archive.fetch(id)))
            let rest = try await client.fetchBars(
                symbol: symbol, interval: id.interval, range: id.period, horizon: Self.now)
            #expect(got == Array(rest.bars.dropFirst(ArchiveFault.holeRows)))
        }
    }

    @Test func anUnpublishedPeriodIsMissing() async throws {
        try await withArchive(.usdm) { _, client, archive in
            let symbol = try await symbols(client)[0]
            // June 2025 has not ended at the simulator's now.
            let fetch = try await archive.fetch(file(.usdm, .monthly, symbol, "1h", Self.now))
            #expect(reason(fetch) == .missing)
        }
    }

    @Test func anUnreachableArchiveFallsBackAfterItsAttempts() async throws {
        let archive = BinanceArchive(
            baseURL: "http://127.0.0.1:1",
            retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(5)),
            logger: Harness.quiet)
        let fetch = try await archive.fetch(file(.usdm, .daily, "BTCUSDT", "1h", Self.now - 5 * 86_400_000))
        try await archive.shutdown()
        #expect(reason(fetch) == .unreachable)
        #expect(fetch.requests == 4)
    }
}
