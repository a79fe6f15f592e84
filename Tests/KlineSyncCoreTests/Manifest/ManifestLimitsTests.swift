import Testing

@testable import KlineSyncCore

/// The largest values the loader lets through, carried through the planner, the bar grid and the renderer: no
/// arithmetic there overflows (an overflow would trap and end the test process), and the results make sense.
struct ManifestLimitsTests {
    static func manifest(_ intervals: String, market: String, force: String = "") throws -> Manifest {
        try Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: \(market) }
                database: sqlite:k.sqlite
                intervals:
                \(intervals)
                \(force)
                pacing: { weight_per_minute: 1, concurrency: 1, request_delay: 1m }
                retry: { max_attempts: 100, initial_backoff: 10m, max_backoff: 1h }
                """, file: "m.yaml", absolutePath: "/d/m.yaml", environment: [:])
    }

    static func plan(_ manifest: Manifest, now: Int64) -> Plan {
        let instrument = Instrument(
            symbol: "BTCUSDT", status: .trading, rawStatus: "TRADING", contractType: nil, baseAsset: "BTC",
            quoteAsset: "USDT")
        return Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: ExchangeInfo(instruments: [instrument], weightLimitPerMinute: 6000),
                serverTime: now, snapshot: StoreSnapshot(lineageID: nil, summaries: [:], gaps: [:])))
    }

    /// Every interval at its most bars, every date key at the ends of the calendar, every force range at its widest.
    static let widest: String = Interval.all.map { "  \($0.name): { bars: \(ManifestBuilder.maxBars($0)) }" }
        .joined(separator: "\n")

    @Test(arguments: [Timestamp.earliest, 1_764_633_600_000, Timestamp.latest])
    func widestWindowsPlanWithoutOverflow(_ now: Int64) throws {
        let force = """
            force:
              - { symbols: ["*"], range: { last: 100000000 } }
              - { symbols: ["*"], range: { from: 1970-01-01, to: 9999-12-31T23:59:59.999Z } }
            """
        let m = try Self.manifest(Self.widest, market: "spot", force: force)
        let plan = Self.plan(m, now: now)
        for series in plan.series {
            let rule = try #require(m.intervals.first { $0.interval == series.interval })
            guard case .bars(let count) = rule.window else { continue }
            #expect(series.actions.reduce(0) { $0 + $1.bars } == Int64(count))
        }
        #expect(plan.totals.barsToFetch > 0 && plan.totals.requests > 0 && plan.totals.estimatedSeconds > 0)
        #expect(plan.render().contains("Plan: "))
    }

    @Test(arguments: [1_764_633_600_000, Timestamp.latest])
    func datesAtTheEndsOfTheCalendarPlanWithoutOverflow(_ now: Int64) throws {
        let m = try Self.manifest(
            """
              1s: { since: 1970-01-01 }
              1m: { lookback: 36500d }
              1w: { since: 1970-01-01, until: 9999-12-31T23:59:59.999Z }
              1M: { since: 9999-12-31 }
            """, market: "spot")
        let plan = Self.plan(m, now: now)
        let seconds = try #require(plan.series.first { $0.interval.name == "1s" })
        // Every second from the epoch to the horizon.
        #expect(seconds.actions.first?.bars == Interval(name: "1s")!.floor(now) / 1000)
        #expect(plan.totals.requests > 0)
        #expect(plan.render().contains("Plan: "))
    }

    @Test func barGridAtTheBoundsStaysInSixtyFourBits() {
        for interval in Interval.all {
            for time in [Timestamp.earliest, Timestamp.latest] {
                let floor = interval.floor(time)
                #expect(floor <= time && interval.ceil(time) >= time)
                let back = interval.advance(floor, by: -Int64(ManifestBuilder.maxBars(interval)))
                #expect(interval.count(from: back, to: floor) == Int64(ManifestBuilder.maxBars(interval)))
                // Far beyond anything the loader allows, still exact: 100 million bars either way.
                let far = interval.advance(floor, by: 100_000_000)
                #expect(interval.count(from: floor, to: far) == 100_000_000)
                #expect(!Timestamp.format(far).isEmpty && !Timestamp.short(back).isEmpty)
            }
        }
    }

    @Test func backoffAtTheLargestRetrySettingsIsCapped() {
        let policy = RetryPolicy(maxAttempts: 100, initialBackoff: .seconds(600), maxBackoff: .seconds(3600))
        #expect(policy.backoff(retry: 100) == .seconds(3600))
        #expect(policy.backoff(retry: 1) == .seconds(600))
    }
}
