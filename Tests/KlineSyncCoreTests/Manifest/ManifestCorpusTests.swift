import Foundation
import Testing

@testable import KlineSyncCore

/// The bad-manifest corpus in `Fixtures/bad/`: each file states on its first line the diagnostics the loader must
/// produce (`# expect: [[line, column, "message"], …]`).
struct ManifestCorpusTests {
    /// This target's folder (this file is in its `Manifest/`).
    static let target = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = target.appendingPathComponent("Fixtures/bad")
    static let repoRoot = target.deletingLastPathComponent().deletingLastPathComponent()

    static var badFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func corpusHoldsAtLeastTwentyFiveBadManifests() {
        #expect(Self.badFiles.count >= 25)
    }

    @Test(arguments: badFiles)
    func rejectsBadManifestWithLocatedMessage(_ name: String) throws {
        let path = Self.fixtures.appendingPathComponent(name).path
        // Some files hold bytes that are not UTF-8 on purpose; their header line is ASCII.
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        let header = try #require(text.split(separator: "\n").first)
        #expect(header.hasPrefix("# expect: "))
        let json = Data(header.dropFirst("# expect: ".count).utf8)
        let expected = try #require(try JSONSerialization.jsonObject(with: json) as? [[Any]])
        let error = try #require(throws: ManifestError.self) {
            try Manifest.load(path: path, environment: [:])
        }
        let got = error.diagnostics.map { "\($0.line):\($0.column): \($0.message)" }
        let want = expected.map { "\($0[0]):\($0[1]): \($0[2])" }
        #expect(got == want)
        for diagnostic in error.diagnostics {
            #expect(diagnostic.description.hasPrefix("\(path):\(diagnostic.line):\(diagnostic.column): error: "))
        }
    }

    @Test(arguments: ["quickstart", "usdm-perpetuals", "spot-majors", "reproducible-dataset", "postgres"])
    func loadsEveryExample(_ name: String) throws {
        let path = Self.repoRoot.appendingPathComponent("examples/\(name).yaml").path
        let manifest = try Manifest.load(path: path, environment: [:])
        #expect(manifest.version == 1)
        #expect(!manifest.intervals.isEmpty)
        #expect(manifest.digest.count == 64)
    }

    /// Valid manifests that `schema/check.py` also checks against the JSON Schema (`Fixtures/good/`).
    @Test(arguments: [
        (
            "env-database.yaml", ["KLINESYNC_DB": "postgres://u:p@db:5432/k"],
            DatabaseLocation.postgres(url: "postgres://u:p@db:5432/k")
        ),
        ("env-database-default.yaml", [:], .sqlite(path: "data/spot.sqlite")),
    ])
    func loadsADatabaseLocationFromTheEnvironment(
        _ name: String, _ environment: [String: String], _ expected: DatabaseLocation
    ) throws {
        let path = Self.target.appendingPathComponent("Fixtures/good/\(name)").path
        let manifest = try Manifest.load(path: path, environment: environment)
        if case .sqlite(let stored) = expected {
            #expect(
                manifest.database == .sqlite(path: Self.target.appendingPathComponent("Fixtures/good/\(stored)").path))
        } else {
            #expect(manifest.database == expected)
        }
    }

    @Test func missingFileIsAnError() {
        let error = #expect(throws: ManifestError.self) {
            try Manifest.load(path: "/nonexistent/klinesync.yaml", environment: [:])
        }
        #expect(error?.description == "/nonexistent/klinesync.yaml: error: manifest does not exist; check the path")
    }
}

extension ManifestCorpusTests {
    @Test func loadsTheFundingWindowOfAFuturesManifest() throws {
        let path = Self.target.appendingPathComponent("Fixtures/good/futures-funding.yaml").path
        let manifest = try Manifest.load(path: path, environment: [:])
        #expect(manifest.datasets == [.klines, .markPrice, .indexPrice, .premiumIndex])
        #expect(
            manifest.funding
                == Manifest.FundingRule(
                    window: .since(Timestamp.parse("2024-01-01T00:00:00Z")!),
                    until: Timestamp.parse("2026-01-01T00:00:00Z")!))
        let research = try Manifest.load(
            path: Self.repoRoot.appendingPathComponent("examples/futures-research.yaml").path, environment: [:])
        #expect(research.funding?.window == .since(Timestamp.parse("2024-01-01T00:00:00Z")!))
    }
}
