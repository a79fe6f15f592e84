import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// `status --verify`: bars deleted by hand are found from the bars themselves, the maintained counts are repaired,
/// and the next `plan`/`apply` restores exactly the bars that were there.
@Suite struct VerifyTests {
    struct Document: Decodable {
        var datasetDigest: String
        var verify: Verification?

        struct Verification: Decodable {
            var seriesChecked: Int
            var drifted: [Drift]
            var repaired: Bool
        }

        struct Drift: Decodable {
            var symbol: String
            var interval: String
            var maintained: Coverage
            var counted: Coverage
        }

        struct Coverage: Decodable {
            var bars: Int64
            var firstOpenTime: Int64?
            var lastOpenTime: Int64?
        }
    }

    static func status(_ workspace: Workspace, _ extra: String...) async throws -> (CLI.Output, Document) {
        let run = try await CLI.run(["status", "manifest.yaml", "--json"] + extra, in: workspace.folder)
        #expect(run.exitCode == 0, "\(run)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (run, try decoder.decode(Document.self, from: Data(run.stdout.utf8)))
    }

    @Test func barsDeletedByHandAreFoundRepairedAndRestored() async throws {
        try await Workspace.with { workspace in
            try await TestSimulator.with(symbols: 6) { simulator in
                let symbols = simulator.tradingPerpetuals(2)
                try #require(symbols.count == 2)
                try workspace.writeManifest(ManifestText(simulator: simulator, symbols: symbols).yaml)
                let first = try await workspace.run("apply", "manifest.yaml", "--report", "first.json")
                #expect(first.exitCode == 0, "\(first)")
                let (_, original) = try await Self.status(workspace)
                let (_, clean) = try await Self.status(workspace, "--verify")
                #expect(clean.verify?.seriesChecked == 4 && clean.verify?.drifted.isEmpty == true)

                // By hand: ten interior 1h bars of the first symbol, the last three 1h bars of the second.
                let bars = try await workspace.storedBars(symbols[1], hour)
                let lastThree = bars.suffix(3).map(\.openTime)
                try workspace.withDatabase { db in
                    try db.execute(
                        sql: """
                            DELETE FROM bars WHERE series_id = (SELECT id FROM series WHERE symbol = ? AND interval = '1h')
                                AND open_time IN (SELECT open_time FROM bars WHERE series_id =
                                    (SELECT id FROM series WHERE symbol = ? AND interval = '1h')
                                    ORDER BY open_time LIMIT 10 OFFSET 20)
                            """, arguments: [symbols[0], symbols[0]])
                    try db.execute(
                        sql: """
                            DELETE FROM bars WHERE open_time IN (?, ?, ?) AND series_id =
                                (SELECT id FROM series WHERE symbol = ? AND interval = '1h')
                            """, arguments: [lastThree[0], lastThree[1], lastThree[2], symbols[1]])
                }
                // The maintained counts still say nothing is missing.
                let blind = try await workspace.run("plan", "manifest.yaml")
                #expect(blind.stdout.contains("No changes."), "\(blind)")

                let (run, verified) = try await Self.status(workspace, "--verify")
                #expect(run.stderr.contains("warning: 2 series"), "\(run)")
                let verify = try #require(verified.verify)
                #expect(verify.seriesChecked == 4 && verify.repaired)
                #expect(verify.drifted.map(\.symbol).sorted() == symbols.sorted())
                let gapped = try #require(verify.drifted.first { $0.symbol == symbols[0] })
                #expect(gapped.interval == "1h")
                #expect(gapped.maintained.bars == 48 && gapped.counted.bars == 38)
                #expect(gapped.counted.firstOpenTime == gapped.maintained.firstOpenTime)
                let cut = try #require(verify.drifted.first { $0.symbol == symbols[1] })
                #expect(cut.maintained.bars == 48 && cut.counted.bars == 45)
                #expect(cut.maintained.lastOpenTime == lastThree[2] && cut.counted.lastOpenTime == bars[44].openTime)

                // Human output names the drift too; the counts are right now, so no drift is left.
                let text = try await workspace.run("status", "manifest.yaml", "--verify")
                #expect(text.exitCode == 0, "\(text)")
                #expect(text.stdout.contains("Verified 4 series against their bars: no drift."), "\(text)")

                let plan = try await workspace.run("plan", "manifest.yaml", "--json")
                #expect(plan.exitCode == 0, "\(plan)")
                let planned = try JSONCoding.decoder().decode(Plan.self, from: Data(plan.stdout.utf8))
                let kinds = Dictionary(
                    uniqueKeysWithValues: planned.series.filter(\.hasChanges).map {
                        ("\($0.symbol) \($0.interval.name)", $0.actions.map(\.kind))
                    })
                #expect(kinds == ["\(symbols[0]) 1h": [.repair], "\(symbols[1]) 1h": [.extend]], "\(kinds)")
                #expect(planned.totals.barsToFetch == 13)

                let (applied, report) = try await workspace.apply(report: "repair.json")
                #expect(applied.exitCode == 0, "\(applied)")
                #expect(report.totals.barsInserted == 13)
                let (_, restored) = try await Self.status(workspace, "--verify")
                #expect(restored.verify?.drifted.isEmpty == true)
                #expect(restored.datasetDigest == original.datasetDigest)
            }
        }
    }
}
