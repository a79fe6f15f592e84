import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// `apply PLAN` on a hand-edited saved plan: every kind of edit is refused with exit 1 and an `error:` line, and the
/// database is left exactly as it was; the unedited plan still applies.
@Suite struct TamperedPlanTests {
    /// Every stored bar and every series' maintained state, as text.
    static func dump(_ workspace: Workspace) throws -> [String] {
        try workspace.withDatabase { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT s.symbol || ' ' || s.interval || ' ' || b.open_time || ' ' || b.close
                    FROM bars b JOIN series s ON s.id = b.series_id
                    UNION ALL
                    SELECT 'series ' || symbol || ' ' || interval || ' ' || bar_count || ' '
                        || ifnull(first_open_time, '-') || ' ' || ifnull(last_open_time, '-') FROM series
                    UNION ALL
                    SELECT 'empty ' || series_id || ' ' || start_time || ' ' || end_time FROM empty_ranges
                    ORDER BY 1
                    """)
        }
    }

    typealias JSON = [String: Any]

    /// One hand edit of the plan's JSON and the words the refusal must contain.
    struct Edit: Sendable {
        var name: String
        var expected: String
        var apply: @Sendable (inout JSON, _ unselected: String) throws -> Void
    }

    /// The index of the first series that extends (every 1h series does, five hours after a sync).
    static func extending(_ plan: JSON) throws -> Int {
        let series = try #require(plan["series"] as? [JSON])
        return try #require(series.firstIndex { (($0["actions"] as? [JSON])?.first?["kind"] as? String) == "extend" })
    }

    /// Edits `series[index]` in place.
    static func editSeries(_ plan: inout JSON, _ index: Int, _ body: (inout JSON) throws -> Void) throws {
        var series = try #require(plan["series"] as? [JSON])
        try body(&series[index])
        plan["series"] = series
    }

    /// Edits `series[index].actions[0].ranges[0]`.
    static func editRange(_ plan: inout JSON, _ index: Int, _ body: @escaping (inout JSON) -> Void) throws {
        try editSeries(&plan, index) { series in
            var actions = try #require(series["actions"] as? [JSON])
            var ranges = try #require(actions[0]["ranges"] as? [JSON])
            body(&ranges[0])
            actions[0]["ranges"] = ranges
            series["actions"] = actions
        }
    }

    static let hourMillis: Int64 = 3_600_000

    static let edits: [Edit] = [
        Edit(name: "window outside", expected: "outside the manifest's window") { plan, _ in
            try editRange(&plan, try extending(plan)) { $0["start"] = ($0["start"] as! Int64) - 744 * hourMillis }
        },
        Edit(name: "unselected symbol", expected: "is not selected by the manifest's symbols") { plan, unselected in
            var series = try #require(plan["series"] as? [JSON])
            var copy = series[try extending(plan)]
            copy["symbol"] = unselected
            copy["fingerprint"] = "none"
            copy["stored"] = nil
            series.append(copy)
            plan["series"] = series
        },
        Edit(name: "deletion without prune", expected: "does not set `prune: true`") { plan, _ in
            try editSeries(&plan, try extending(plan)) { series in
                let stored = try #require(series["stored"] as? JSON)
                let first = stored["first"] as! Int64
                let last = stored["last"] as! Int64
                series["actions"] = [
                    [
                        "kind": "prune", "ranges": [["start": first, "end": last + hourMillis]],
                        "bars": stored["bars"] as! Int64, "requests": 0, "weight": 0,
                    ]
                ]
            }
        },
        Edit(name: "unclosed bars", expected: "later than the exchange's clock") { plan, _ in
            plan["server_time"] = (plan["server_time"] as! Int64) + 3 * hourMillis
            try editRange(&plan, try extending(plan)) { $0["end"] = ($0["end"] as! Int64) + 3 * hourMillis }
        },
        Edit(name: "changed action kind", expected: "plans create") { plan, _ in
            try editSeries(&plan, try extending(plan)) { series in
                var actions = try #require(series["actions"] as? [JSON])
                actions[0]["kind"] = "create"
                series["actions"] = actions
            }
        },
        Edit(name: "lineage_id removed", expected: "has no lineage_id") { plan, _ in plan["lineage_id"] = nil },
        Edit(name: "manifest_digest removed", expected: "field `manifest_digest` is missing") { plan, _ in
            plan["manifest_digest"] = nil
        },
        Edit(name: "format_version removed", expected: "field `format_version` is missing") { plan, _ in
            plan["format_version"] = nil
        },
        Edit(name: "fingerprint removed", expected: "fingerprint` is missing") { plan, _ in
            try editSeries(&plan, try extending(plan)) { $0["fingerprint"] = nil }
        },
    ]

    @Test func everyKindOfHandEditIsRefusedAndTheDatabaseIsUnchanged() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with(symbols: 8) { simulator in
                let all = simulator.tradingPerpetuals(3)
                try #require(all.count == 3)
                let symbols = Array(all.prefix(2))
                try workspace.writeManifest(ManifestText(simulator: simulator, symbols: symbols).yaml)
                let first = try await workspace.run("apply", "manifest.yaml", "--report", "first.json")
                #expect(first.exitCode == 0, "\(first)")

                simulator.advance(by: 5 * Self.hourMillis)
                let saved = try await workspace.run("plan", "manifest.yaml", "--out", "plan.json")
                #expect(saved.exitCode == 0, "\(saved)")
                let original = try #require(FileManager.default.contents(atPath: workspace.path("plan.json")))
                let before = try Self.dump(workspace)

                for edit in Self.edits {
                    var plan = try #require(try JSONSerialization.jsonObject(with: original) as? JSON)
                    try edit.apply(&plan, all[2])
                    let data = try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys])
                    try data.write(to: URL(fileURLWithPath: workspace.path("tampered.json")))
                    let run = try await workspace.run("apply", "tampered.json", "--report", "tampered-report.json")
                    #expect(run.exitCode == 1, "\(edit.name): \(run)")
                    #expect(run.stderr.contains("error: "), "\(edit.name): \(run)")
                    #expect(run.stderr.contains(edit.expected), "\(edit.name): \(run)")
                    #expect(!run.stderr.contains("keyNotFound"), "\(edit.name): \(run)")
                    #expect(try Self.dump(workspace) == before, "\(edit.name): nothing written")
                }

                // The plan as `plan --out` wrote it still applies, and converges.
                let honest = try await workspace.run("apply", "plan.json", "--report", "honest.json")
                #expect(honest.exitCode == 0, "\(honest)")
                #expect(try Self.dump(workspace) != before)
                let again = try await workspace.run("plan", "manifest.yaml")
                #expect(again.stdout.contains("No changes."), "\(again)")
            }
        }
    }
}
