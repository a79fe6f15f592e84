import Foundation
import Testing

@testable import KlineSyncCore

/// Funding histories (DESIGN §9): one plan per perpetual of the universe, extended and backfilled from the range of
/// funding times known complete (no gap claims), never before the listing, converging within the hour.
@Suite struct FundingPlannerTests {
    static let now = Timestamp.parse("2024-06-10T12:34:56Z")!
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func manifest(_ funding: String, market: String = "usdm") -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: \(market) }
                database: sqlite:k.sqlite
                intervals: { 1d: { bars: 2 } }
                funding: \(funding)
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    static func instrument(_ symbol: String, contract: String = "PERPETUAL", onboard: Int64? = nil) -> Instrument {
        Instrument(
            symbol: symbol, status: .trading, rawStatus: "TRADING", contractType: contract, baseAsset: "X",
            quoteAsset: "USDT", onboardDate: onboard)
    }

    static let info = ExchangeInfo(
        instruments: [
            instrument("BTCUSDT_240628", contract: "CURRENT_QUARTER"), instrument("BTCUSDT"),
            instrument("NEWUSDT", onboard: Timestamp.parse("2024-06-08T03:00:00Z")!),
        ], weightLimitPerMinute: 2400)

    static func plan(_ manifest: Manifest, funding: [String: FundingSummary] = [:], at time: Int64 = now) -> Plan {
        let snapshot = StoreSnapshot(lineageID: "l", summaries: [:], gaps: [:], funding: funding)
        return Planner.plan(
            Planner.Input(manifest: manifest, exchangeInfo: info, serverTime: time, snapshot: snapshot))
    }

    static func summary(_ symbol: String, checked: TimeRange?, count: Int64 = 3) -> FundingSummary {
        FundingSummary(
            market: .usdm, symbol: symbol, count: count, firstFundingTime: checked?.start,
            lastFundingTime: checked.map { $0.end - 1 }, checked: checked)
    }

    /// 12:00 settled a minute before 12:34:56: events up to and including the 12:00 one are wanted.
    static let horizon = Timestamp.parse("2024-06-10T12:01:00Z")!

    @Test func plansEveryPerpetualFromTheWindowStartOrItsListingUpToTheSettledHour() throws {
        let plan = Self.plan(Self.manifest("{ lookback: 30d }"))
        let funding = try #require(plan.funding)
        #expect(funding.map(\.symbol) == ["BTCUSDT", "NEWUSDT"], "delivery contracts pay no funding")
        #expect(funding[0].desired == TimeRange(start: Self.horizon - 30 * Self.day, end: Self.horizon))
        #expect(funding[0].actions.map(\.kind) == [.create])
        #expect(funding[0].actions[0].bars == 90)
        #expect(funding[0].actions[0].requests == 1)
        #expect(funding[0].actions[0].weight == 0)
        // Listed two days ago: wanted from its listing, not from 30 days back.
        #expect(funding[1].desired?.start == Timestamp.parse("2024-06-08T03:00:00Z")!)
        #expect(plan.totals.funding?.count(.create) == 2)
        #expect(plan.totals.funding?.requests == 2)
        #expect(plan.hasChanges)
        #expect(plan.summaryLine.contains("funding: 2 to create"), "\(plan.summaryLine)")
        #expect(plan.summaryLine.contains("2 funding requests"), "\(plan.summaryLine)")
    }

    @Test func barsCountEightHourEventsAndUntilCapsTheWindow() throws {
        let bars = try #require(Self.plan(Self.manifest("{ bars: 1500 }")).funding?.first)
        #expect(bars.desired == TimeRange(start: Self.horizon - 1500 * 8 * Self.hour, end: Self.horizon))
        #expect(bars.actions[0].requests == 2, "1500 events need two pages of 1000")
        let until = try #require(Self.plan(Self.manifest("{ since: 2024-01-01, until: 2024-03-01 }")).funding?.first)
        #expect(
            until.desired
                == TimeRange(
                    start: Timestamp.parse("2024-01-01T00:00:00Z")!, end: Timestamp.parse("2024-03-01T00:00:00Z")!))
    }

    @Test func aCheckedHistoryIsExtendedOnlyOnceANewHourSettledAndBackfilledWhenTheWindowGrows() throws {
        let manifest = Self.manifest("{ lookback: 30d }")
        let start = Self.horizon - 30 * Self.day
        let complete = [
            "BTCUSDT": Self.summary("BTCUSDT", checked: TimeRange(start: start, end: Self.horizon)),
            "NEWUSDT": Self.summary(
                "NEWUSDT", checked: TimeRange(start: Timestamp.parse("2024-06-08T03:00:00Z")!, end: Self.horizon)),
        ]
        let converged = Self.plan(manifest, funding: complete)
        #expect(converged.funding?.allSatisfy { $0.actions.map(\.kind) == [.noop] } == true)
        #expect(converged.totals.funding?.count(.noop) == 2)
        // 20 minutes on (12:54:56): still the same settled hour.
        let soon = Self.plan(manifest, funding: complete, at: Self.now + 20 * 60_000)
        #expect(soon.funding?.contains(where: \.hasChanges) == false)
        // The next hour settled: extend from where the checked range ends.
        let later = Self.plan(manifest, funding: complete, at: Self.now + Self.hour)
        let extend = try #require(later.funding?.first?.actions.first)
        #expect(extend.kind == .extend)
        #expect(extend.ranges == [TimeRange(start: Self.horizon, end: Self.horizon + Self.hour)])
        // A longer window backfills before the checked range.
        let longer = Self.plan(Self.manifest("{ lookback: 40d }"), funding: complete)
        let backfill = try #require(longer.funding?.first?.actions.first)
        #expect(backfill.kind == .backfill)
        #expect(backfill.ranges == [TimeRange(start: Self.horizon - 40 * Self.day, end: start)])
        #expect(longer.funding?[1].hasChanges == false, "NEWUSDT is checked back to its listing")
    }

    @Test func storedFundingNoLongerWantedIsRetiredAndKept() throws {
        var manifest = Self.manifest("{ lookback: 30d }")
        manifest.funding = nil
        let stored = ["BTCUSDT": Self.summary("BTCUSDT", checked: TimeRange(start: 0, end: Self.horizon))]
        let plan = Self.plan(manifest, funding: stored)
        let funding = try #require(plan.funding)
        #expect(funding.map(\.symbol) == ["BTCUSDT"])
        #expect(funding[0].actions.map(\.kind) == [.retire])
        #expect(!funding[0].hasChanges)
        #expect(plan.render().contains("BTCUSDT retire   no longer wanted; 3 events kept"), "\(plan.render())")
        #expect(Self.plan(manifest).funding == nil, "no funding wanted and none stored: no funding section")
    }

    @Test func fundingPlansRoundTripThroughJSONAndStaleFingerprintsAreRefused() throws {
        let manifest = Self.manifest("{ lookback: 30d }")
        let plan = Self.plan(manifest)
        let decoded = try JSONCoding.decoder().decode(Plan.self, from: Data(try JSONCoding.string(plan).utf8))
        #expect(decoded == plan)
        let changed = StoreSnapshot(
            lineageID: "l", summaries: [:], gaps: [:],
            funding: ["BTCUSDT": Self.summary("BTCUSDT", checked: TimeRange(start: 0, end: 1))])
        #expect(throws: SyncError.self) {
            try Staleness.check(plan, against: changed, manifest: manifest, info: Self.info, serverTime: Self.now)
        }
        let same = StoreSnapshot(lineageID: "l", summaries: [:], gaps: [:])
        try Staleness.check(plan, against: same, manifest: manifest, info: Self.info, serverTime: Self.now)
        // A hand-edited funding range is refused by the audit.
        var edited = plan
        edited.funding![0].actions[0].ranges = [TimeRange(start: 0, end: Self.horizon)]
        #expect(throws: SyncError.self) {
            try Staleness.check(edited, against: same, manifest: manifest, info: Self.info, serverTime: Self.now)
        }
    }

    @Test func theStoreMergesCheckedRangesThatTouchAndReplacesOnesThatDoNot() {
        let write = FundingWrite(rates: [], checked: TimeRange(start: 10, end: 20))
        #expect(write.checkedRange(after: nil) == TimeRange(start: 10, end: 20))
        #expect(write.checkedRange(after: TimeRange(start: 0, end: 10)) == TimeRange(start: 0, end: 20))
        #expect(write.checkedRange(after: TimeRange(start: 15, end: 30)) == TimeRange(start: 10, end: 30))
        #expect(write.checkedRange(after: TimeRange(start: 0, end: 5)) == TimeRange(start: 10, end: 20))
        #expect(FundingWrite(rates: []).checkedRange(after: TimeRange(start: 0, end: 5)) == TimeRange(start: 0, end: 5))
    }
}

extension FundingPlannerTests {
    @Test func aConvergedPlanSaysTheFundingIsUpToDate() {
        var manifest = Self.manifest("{ lookback: 30d }")
        manifest.intervals = []
        let start = Self.horizon - 30 * Self.day
        let complete = [
            "BTCUSDT": Self.summary("BTCUSDT", checked: TimeRange(start: start, end: Self.horizon)),
            "NEWUSDT": Self.summary("NEWUSDT", checked: TimeRange(start: 0, end: Self.horizon)),
        ]
        let plan = Self.plan(manifest, funding: complete)
        #expect(!plan.hasChanges)
        #expect(plan.render().contains("(0 series and the funding of 2 symbols up to date)"), "\(plan.render())")
        #expect(plan.summaryLine.contains("funding: up to date"))
    }
}
