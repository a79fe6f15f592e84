import Foundation
import Testing

@testable import KlineSyncCore

/// The report folder keeps the latest N reports of the template and touches nothing else.
struct ReportRetentionTests {
    @Test func keepsTheLatestReportsAndLeavesOtherFilesAlone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ids = (0..<5).map { "20261125T15451\($0)Z-3f9a" }
        let others = ["notes.json", "run-20261125T154510Z-3f9a.json", "20261125T154510Z-3f9a.txt", "x.json"]
        for name in ids.map({ "\($0).json" }) + others {
            try Data("{}".utf8).write(to: folder.appendingPathComponent(name))
        }
        let deleted = ReportRetention.prune(template: folder.appendingPathComponent("{run_id}.json").path, keep: 2)
        #expect(deleted.count == 3)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(left == (ids.suffix(2).map { "\($0).json" } + others).sorted())
    }

    @Test func aTemplateWithTheRunIDInAFolderIsLeftAlone() {
        #expect(ReportRetention.prune(template: "/tmp/{run_id}/report.json", keep: 1).isEmpty)
    }
}
