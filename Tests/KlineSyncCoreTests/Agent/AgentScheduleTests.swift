import Testing

@testable import KlineSyncCore

/// The schedule math: the next cycle is the first close after server time plus the settle delay, for fixed and
/// calendar intervals; retries back off and never pass the next scheduled cycle.
struct AgentScheduleTests {
    static func at(_ text: String) -> Int64 { Timestamp.parse(text)! }

    @Test(arguments: [
        // interval, server time, settle ms, next cycle
        ("1m", "2024-06-10T12:34:56Z", 2000, "2024-06-10T12:35:02Z"),
        ("1m", "2024-06-10T12:35:01Z", 2000, "2024-06-10T12:35:02Z"),  // in the settle window: that close's cycle
        ("1m", "2024-06-10T12:35:02Z", 2000, "2024-06-10T12:36:02Z"),
        ("1m", "2024-06-10T12:35:00Z", 0, "2024-06-10T12:36:00Z"),
        ("1s", "2024-06-10T12:35:00.300Z", 200, "2024-06-10T12:35:01.200Z"),
        ("1h", "2024-06-10T12:34:56Z", 2000, "2024-06-10T13:00:02Z"),
        ("4h", "2024-06-10T12:34:56Z", 5000, "2024-06-10T16:00:05Z"),
        ("1d", "2024-06-10T23:59:59Z", 2000, "2024-06-11T00:00:02Z"),
        // 2024-06-10 is a Monday: weekly bars close on the next Monday.
        ("1w", "2024-06-12T08:00:00Z", 2000, "2024-06-17T00:00:02Z"),
        ("1w", "2024-06-10T00:00:01Z", 2000, "2024-06-10T00:00:02Z"),
        // Months have calendar lengths: February 2024 has 29 days, December rolls the year.
        ("1M", "2024-02-15T00:00:00Z", 2000, "2024-03-01T00:00:02Z"),
        ("1M", "2024-12-31T23:59:59Z", 2000, "2025-01-01T00:00:02Z"),
        ("1M", "2025-01-01T00:00:03Z", 2000, "2025-02-01T00:00:02Z"),
    ])
    func nextCycleIsTheNextClosePlusSettle(interval: String, now: String, settle: Int, next: String) {
        let schedule = AgentSchedule(interval: Interval(name: interval)!, settleMillis: Int64(settle))
        #expect(Timestamp.format(schedule.nextCycle(after: Self.at(now))) == Timestamp.format(Self.at(next)))
    }

    @Test func aCycleThatStartedBeforeItsCloseIsFollowedByOneForThatClose() {
        let schedule = AgentSchedule(interval: Interval(name: "1m")!, settleMillis: 0)
        // Meant for the 12:35 close, but the exchange's clock said 12:34:59.950.
        #expect(schedule.nextCycle(after: Self.at("2024-06-10T12:34:59.950Z")) == Self.at("2024-06-10T12:35:00Z"))
    }

    @Test func theScheduleFollowsTheManifestsShortestInterval() throws {
        let manifest = try Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:/tmp/x.sqlite
                intervals:
                  1d: { bars: 10 }
                  15m: { bars: 10 }
                  1h: { since: 2024-01-01, until: 2024-02-01 }
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
        #expect(AgentSchedule(manifest: manifest, settleMillis: 2000).interval.name == "15m")
    }

    @Test(arguments: [
        // failures, initial ms, max ms, until next cycle, expected delay
        (1, 500, 30_000, Int64?.none, Int64(500)),
        (2, 500, 30_000, nil, 1000),
        (4, 500, 30_000, nil, 4000),
        (12, 500, 30_000, nil, 30_000),
        (3, 500, 30_000, 1500, 1500),  // capped by the next scheduled cycle
        (1, 20_000, 3_600_000, 45_000, 20_000),
        (2, 20_000, 3_600_000, 35_000, 35_000),
        (1, 500, 30_000, 0, 0),
    ])
    func retriesBackOffButNeverPassTheNextCycle(
        failures: Int, initial: Int, max: Int, untilNext: Int64?, expected: Int64
    ) {
        let policy = RetryPolicy(initialBackoff: .milliseconds(initial), maxBackoff: .milliseconds(max))
        #expect(AgentSchedule.retryDelay(failures: failures, policy: policy, untilNextCycle: untilNext) == expected)
    }
}
