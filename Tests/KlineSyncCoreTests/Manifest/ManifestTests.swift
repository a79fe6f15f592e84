import Testing

@testable import KlineSyncCore

struct ManifestTests {
    func parse(_ yaml: String, environment: [String: String] = [:]) throws -> Manifest {
        try Manifest.parse(yaml: yaml, file: "m.yaml", absolutePath: "/data/sets/m.yaml", environment: environment)
    }

    let minimal = """
        version: 1
        source: { exchange: binance, market: usdm }
        database: sqlite:data/k.sqlite
        intervals:
          4h: { bars: 2000 }

        """

    @Test func appliesDocumentedDefaults() throws {
        let m = try parse(minimal)
        #expect(m.symbols.status == .trading)
        #expect(m.symbols.include == ["*"])
        #expect(m.prune == false)
        #expect(m.pacing.weightPerMinute == nil)
        #expect(m.pacing.concurrency == 8)
        #expect(m.pacing.requestDelayMillis == 0)
        #expect(m.retry.maxAttempts == 5)
        #expect(m.retry.initialBackoffMillis == 500)
        #expect(m.retry.maxBackoffMillis == 30_000)
        #expect(m.retry.onBan == .stop)
        #expect(m.report.pathTemplate == "/data/sets/reports/{run_id}.json")
        #expect(m.source.effectiveBaseURL == "https://fapi.binance.com")
        #expect(
            m.intervals == [Manifest.IntervalRule(interval: Interval(name: "4h")!, window: .bars(2000), until: nil)])
    }

    @Test func resolvesRelativePathsAgainstManifestFolder() throws {
        let m = try parse(minimal)
        #expect(m.database == .sqlite(path: "/data/sets/data/k.sqlite"))
        let absolute = try parse(
            minimal.replacingOccurrences(of: "sqlite:data/k.sqlite", with: "sqlite:///var/k.sqlite"))
        #expect(absolute.database == .sqlite(path: "/var/k.sqlite"))
    }

    @Test func expandsEnvironmentVariables() throws {
        let yaml = minimal.replacingOccurrences(
            of: "sqlite:data/k.sqlite", with: "postgres://u:${PGPASS}@${PGHOST:-localhost}:5432/k")
        let m = try parse(yaml, environment: ["PGPASS": "s3cret"])
        #expect(m.database == .postgres(url: "postgres://u:s3cret@localhost:5432/k"))
        #expect(m.database.description == "postgres://u:***@localhost:5432/k")
    }

    @Test func parsesEveryWindowKindAndForceRange() throws {
        let m = try parse(
            """
            version: 1
            source: { exchange: binance, market: spot, base_url: "http://127.0.0.1:9000/" }
            database: sqlite:k.sqlite
            intervals:
              1s: { lookback: 1h }
              1d: { since: 2021-01-01 }
              1h: { since: "2024-01-01T00:00:00Z", until: 2024-07-01 }
              1M: { bars: 12 }
            force:
              - { symbols: [ETHUSDT], intervals: [1d], range: all }
              - { symbols: ["BTC*"], range: { last: 3 } }
              - { symbols: ["*"], range: { from: 2024-01-01, to: 2024-02-01 } }
            pacing: { weight_per_minute: 1200, concurrency: 16, request_delay: 250ms }
            retry: { max_attempts: 3, initial_backoff: 1s, max_backoff: 1m, on_ban: wait }
            prune: true
            """)
        #expect(m.source.baseURL == "http://127.0.0.1:9000")
        #expect(m.intervals.map(\.interval.name) == ["1s", "1d", "1h", "1M"])
        #expect(m.intervals[0].window == .lookback(3_600_000))
        #expect(m.intervals[1].window == .since(1_609_459_200_000))
        #expect(m.intervals[2].until == 1_719_792_000_000)
        #expect(m.intervals[3].window == .bars(12))
        #expect(m.force.map(\.range) == [.all, .last(3), .between(from: 1_704_067_200_000, to: 1_706_745_600_000)])
        #expect(m.force[0].covers(symbol: "ETHUSDT", interval: Interval(name: "1d")!))
        #expect(!m.force[0].covers(symbol: "ETHUSDT", interval: Interval(name: "1h")!))
        #expect(m.force[1].covers(symbol: "BTCUSDT", interval: Interval(name: "1h")!))
        #expect(
            m.pacing
                == {
                    var p = Manifest.Pacing()
                    p.weightPerMinute = 1200
                    p.concurrency = 16
                    p.requestDelayMillis = 250
                    return p
                }())
        #expect(m.retry.onBan == .wait && m.retry.maxBackoffMillis == 60_000)
        #expect(m.prune)
    }

    @Test func embeddedSimulatorSettings() throws {
        let m = try parse(
            """
            version: 1
            source:
              exchange: binance
              market: coinm
              base_url: embedded
              simulator: { seed: 7, symbols: 30, latency: 20ms, fail_rate: 0.1, weight_limit: 600, now: 2025-01-01,
                           universe: established }
            database: sqlite:k.sqlite
            intervals: { 1d: { bars: 10 } }
            """)
        let sim = try #require(m.source.simulator)
        #expect(sim.seed == 7 && sim.symbols == 30 && sim.latencyMillis == 20 && sim.failRate == 0.1)
        #expect(sim.weightLimit == 600 && sim.now == 1_735_689_600_000 && sim.universe == .established)
    }

    @Test func symbolFilterMatchesInstruments() throws {
        var filter = Manifest.SymbolFilter()
        filter.include = ["*USDT"]
        filter.exclude = ["*DOWNUSDT"]
        filter.contractTypes = ["PERPETUAL"]
        func instrument(_ symbol: String, _ status: Instrument.Status = .trading, _ type: String = "PERPETUAL")
            -> Instrument
        {
            Instrument(
                symbol: symbol, status: status, rawStatus: "", contractType: type, baseAsset: "X", quoteAsset: "USDT")
        }
        #expect(filter.matches(instrument("BTCUSDT")))
        #expect(!filter.matches(instrument("BTCDOWNUSDT")))
        #expect(!filter.matches(instrument("BTCUSD")))
        #expect(!filter.matches(instrument("BTCUSDT", .delisted)))
        #expect(!filter.matches(instrument("BTCUSDT", .trading, "CURRENT_QUARTER")))
        filter.status = .all
        #expect(filter.matches(instrument("BTCUSDT", .delisted)))
    }

    @Test(arguments: [
        ("*", "BTCUSDT", true), ("*USDT", "BTCUSDT", true), ("*USDT", "USDTBTC", false), ("BTC?SDT", "BTCUSDT", true),
        ("B*T*T", "BTCUSDT", true), ("", "A", false), ("ETH*", "ETH", true), ("??", "ABC", false),
    ])
    func globMatching(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(Glob.matches(pattern, text) == expected)
    }

    @Test func durations() {
        #expect(DurationText.parse("500ms") == 500)
        #expect(DurationText.parse("30s") == 30_000)
        #expect(DurationText.parse("5m") == 300_000)
        #expect(DurationText.parse("12h") == 43_200_000)
        #expect(DurationText.parse("7d") == 604_800_000)
        #expect(DurationText.parse("7") == nil)
        #expect(DurationText.parse("-5s") == nil)
        #expect(DurationText.parse("1.5s") == nil)
        #expect(DurationText.format(90_000) == "90s")
        #expect(DurationText.format(7_200_000) == "2h")
        #expect(DurationText.format(0) == "0ms")
    }
}
