import Foundation
import Testing

@testable import KlineSyncCore

/// A saved plan is checked against the manifest, the live instrument list, the exchange's clock and the database
/// before it runs: each kind of hand edit is refused, honest plans pass.
struct PlanAuditTests {
    static let hour: Int64 = 3_600_000
    let now = Timestamp.parse("2024-06-10T12:34:56Z")!
    let h1 = Interval(name: "1h")!

    func manifest(_ extra: String = "") -> Manifest {
        try! Manifest.parse(
            yaml: """
                version: 1
                source: { exchange: binance, market: usdm }
                database: sqlite:k.sqlite
                symbols: { include: [AAAUSDT, BBBUSDT] }
                intervals:
                  1h: { bars: 48 }
                \(extra)
                """, file: "m.yaml", absolutePath: "/tmp/m.yaml", environment: [:])
    }

    /// A database synced at `now`, and an honest plan made five hours later (one extend per series).
    func setUp(_ manifest: Manifest, force: [ForceSelector] = []) async throws -> (
        Plan, PlanAudit.Context, FakeExchange
    ) {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0, "BBBUSDT": 0, "CCCUSDT": 0])
        let store = InMemoryStore()
        let info = try await exchange.exchangeInfo()
        let first = Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: info, serverTime: now,
                snapshot: try await StoreSnapshot.load(from: store, market: .usdm)))
        _ = await Executor(exchange: exchange, store: store).execute(first, options: .init(runID: "r", concurrency: 2))
        let later = now + 5 * Self.hour
        let snapshot = try await StoreSnapshot.load(from: store, market: .usdm)
        let plan = Planner.plan(
            Planner.Input(manifest: manifest, exchangeInfo: info, serverTime: later, snapshot: snapshot, force: force))
        let context = PlanAudit.Context(
            manifest: manifest, exchangeInfo: info, serverTime: later + 60_000, snapshot: snapshot)
        return (plan, context, exchange)
    }

    func index(_ plan: Plan, _ symbol: String) -> Int { plan.series.firstIndex { $0.symbol == symbol }! }

    @Test func honestPlansPass() async throws {
        let (plan, context, _) = try await setUp(manifest())
        #expect(plan.series.allSatisfy { $0.actions.map(\.kind) == [.extend] })
        try PlanAudit.check(plan, context)
        let (forced, forcedContext, _) = try await setUp(
            manifest(), force: [ForceSelector(symbol: "AAAUSDT", interval: h1)])
        #expect(forced.series[index(forced, "AAAUSDT")].actions.map(\.kind) == [.replace])
        try PlanAudit.check(forced, forcedContext)
        let rules = manifest("force:\n  - { symbols: [BBBUSDT], range: { last: 3 } }\nprune: true")
        let (ruled, ruledContext, _) = try await setUp(rules)
        try PlanAudit.check(ruled, ruledContext)
    }

    @Test func freshDatabasePlanWithoutLineagePasses() async throws {
        let exchange = FakeExchange(now: now, listings: ["AAAUSDT": 0])
        let info = try await exchange.exchangeInfo()
        let plan = Planner.plan(
            Planner.Input(manifest: manifest(), exchangeInfo: info, serverTime: now, snapshot: .empty))
        #expect(plan.lineageId == nil && plan.hasChanges)
        try PlanAudit.check(
            plan, PlanAudit.Context(manifest: manifest(), exchangeInfo: info, serverTime: now, snapshot: .empty))
    }

    /// One hand edit of the saved plan and the words the refusal must contain.
    struct Tampering: Sendable, CustomTestStringConvertible {
        var name: String
        var expected: String
        var edit: @Sendable (inout Plan) -> Void
        var testDescription: String { name }
    }

    static let tamperings: [Tampering] = [
        Tampering(name: "window outside", expected: "outside the manifest's window") { plan in
            plan.series[0].actions[0].ranges[0].start -= 744 * hour
        },
        Tampering(name: "unselected symbol", expected: "CCCUSDT 1h is not selected by the manifest") { plan in
            var series = plan.series[0]
            series.symbol = "CCCUSDT"
            series.fingerprint = "none"
            plan.series.append(series)
        },
        Tampering(name: "deletion without prune", expected: "does not set `prune: true`") { plan in
            let stored = plan.series[0].stored!
            plan.series[0].actions.append(
                PlannedAction(
                    kind: .prune, ranges: [TimeRange(start: stored.first, end: stored.last + hour)], bars: stored.bars,
                    requests: 0, weight: 0))
        },
        Tampering(name: "unclosed bars", expected: "later than the exchange's clock") { plan in
            plan.serverTime += 3 * hour
            plan.series[0].actions[0].ranges[0].end += 3 * hour
        },
        Tampering(name: "unclosed bars within the clock", expected: "outside the manifest's window") { plan in
            plan.series[0].actions[0].ranges[0].end += 2 * hour
        },
        Tampering(name: "changed action kind", expected: "plans repair") { plan in
            plan.series[0].actions[0].kind = .repair
        },
        Tampering(name: "replace turned into create", expected: "plans create") { plan in
            plan.series[0].actions[0].kind = .create
        },
        Tampering(name: "extra series of an unlisted interval", expected: "AAAUSDT 4h uses an interval") { plan in
            var series = plan.series[0]
            series.interval = Interval(name: "4h")!
            plan.series.append(series)
        },
        Tampering(name: "lineage removed", expected: "has no lineage_id") { plan in
            plan.lineageId = nil
        },
        Tampering(name: "series planned twice", expected: "is planned twice") { plan in
            plan.series.append(plan.series[0])
        },
        Tampering(name: "other market", expected: "it is for binance spot") { plan in
            plan.market = .spot
        },
        Tampering(name: "manifest digest edited", expected: "manifest_digest does not match") { plan in
            plan.manifestDigest = String(repeating: "0", count: 64)
        },
    ]

    @Test(arguments: tamperings) func tamperedPlanIsRefused(_ tampering: Tampering) async throws {
        let (plan, context, _) = try await setUp(manifest())
        var edited = plan
        tampering.edit(&edited)
        let error = try #require(throws: PlanAuditError.self) { try PlanAudit.check(edited, context) }
        #expect(error.description.contains(tampering.expected), "\(error)")
        #expect(error.description.hasPrefix("the plan does not match the manifest: "))
        #expect(error.description.hasSuffix("run it again"))
    }

    @Test func pruneInsideTheWindowIsRefusedEvenWithPrune() async throws {
        let (plan, context, _) = try await setUp(manifest("prune: true"))
        var edited = plan
        let stored = edited.series[0].stored!
        edited.series[0].actions.append(
            PlannedAction(
                kind: .prune, ranges: [TimeRange(start: stored.first, end: stored.last + Self.hour)], bars: stored.bars,
                requests: 0, weight: 0))
        let error = try #require(throws: PlanAuditError.self) { try PlanAudit.check(edited, context) }
        #expect(error.description.contains("deletes bars inside the manifest's window"), "\(error)")
    }

    @Test func symbolTheExchangeNoLongerListsIsRefused() async throws {
        let (plan, context, _) = try await setUp(manifest())
        var live = context
        live.exchangeInfo.instruments.removeAll { $0.symbol == "BBBUSDT" }
        let error = try #require(throws: PlanAuditError.self) { try PlanAudit.check(plan, live) }
        #expect(error.description.contains("BBBUSDT 1h is not selected"), "\(error)")
    }

    /// Missing identity fields are named, as they are spelled in the JSON.
    @Test(arguments: [
        ("format_version", "field `format_version` is missing"),
        ("manifest_digest", "field `manifest_digest` is missing"),
        ("server_time", "field `server_time` is missing"),
        ("fingerprint", "field `series[0].fingerprint` is missing"),
        ("market", "field `market` is missing"),
    ])
    func planWithoutIdentityFieldIsUnreadable(_ field: String, _ message: String) async throws {
        let (plan, _, _) = try await setUp(manifest())
        var json = try #require(
            try JSONSerialization.jsonObject(with: JSONCoding.encoder().encode(plan)) as? [String: Any])
        if field == "fingerprint" {
            var series = try #require(json["series"] as? [[String: Any]])
            series[0][field] = nil
            json["series"] = series
        } else {
            json[field] = nil
        }
        let data = try JSONSerialization.data(withJSONObject: json)
        let error = try #require(throws: PlanFormatError.self) {
            try JSONCoding.decoder().decode(Plan.self, from: data)
        }
        #expect(error.description == message)
        // The untouched plan reads back as it was.
        #expect(try JSONCoding.decoder().decode(Plan.self, from: JSONCoding.encoder().encode(plan)) == plan)
    }

    @Test func mistypedFieldIsNamed() throws {
        let error = try #require(throws: PlanFormatError.self) {
            try JSONCoding.decoder().decode(Plan.self, from: Data(#"{"format_version": 1}"#.utf8))
        }
        #expect(error.description == "field `format_version` is not a string")
    }
}
