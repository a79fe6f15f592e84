import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// `plan`, `apply` and `status` pointed at a file klinesync did not make: exit 1 with an `error:` line that says
/// what the file is, and the file and its folder exactly as they were (no `-wal`, `-shm` or `.lock` beside it).
@Suite struct ForeignDatabaseTests {
    /// A kind of file at the manifest's database path and the words of its refusal.
    struct Kind: Sendable {
        var name: String
        var expected: String
        var make: @Sendable (String) throws -> Void
    }

    static let kinds: [Kind] = [
        Kind(name: "someone else's SQLite database", expected: "klinesync did not create") { path in
            let queue = try DatabaseQueue(path: path)
            try queue.write {
                try $0.execute(
                    sql:
                        "CREATE TABLE trades (id INTEGER PRIMARY KEY, price TEXT); INSERT INTO trades VALUES (1, '1.5')"
                )
            }
            try queue.close()
        },
        Kind(name: "an empty file", expected: "it is an empty file (0 bytes)") { path in
            try Data().write(to: URL(fileURLWithPath: path))
        },
        Kind(name: "a text file", expected: "file is not a database") { path in
            try Data("not a database\n".utf8).write(to: URL(fileURLWithPath: path))
        },
        Kind(name: "a directory", expected: "it is a directory") { path in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        },
    ]

    /// The database file and everything beside it that starts with its name, with bytes.
    static func siblings(_ workspace: Workspace) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: workspace.folder.path)
        where name.hasPrefix("klines.sqlite") {
            result[name] = FileManager.default.contents(atPath: workspace.path(name)) ?? Data("<dir>".utf8)
        }
        return result
    }

    @Test func planApplyAndStatusRefuseAForeignFileAndLeaveItAsItWas() async throws {
        try await TestSimulator.with(symbols: 4) { simulator in
            for kind in Self.kinds {
                try await Workspace.with("foreign\(kind.name)") { workspace in
                    try workspace.writeManifest(
                        ManifestText(simulator: simulator, symbols: simulator.tradingPerpetuals(2)).yaml)
                    try kind.make(workspace.databasePath)
                    let before = try Self.siblings(workspace)
                    #expect(before.keys.sorted() == ["klines.sqlite"])
                    for arguments in [
                        ["plan", "manifest.yaml"], ["plan", "manifest.yaml", "--out", "p.json"],
                        ["apply", "manifest.yaml", "--report", "r.json"], ["status", "manifest.yaml"],
                        ["status", "manifest.yaml", "--json"], ["status", "manifest.yaml", "--verify"],
                    ] {
                        let run = try await CLI.run(arguments, in: workspace.folder, timeout: .seconds(60))
                        let what = "\(kind.name), \(arguments.joined(separator: " "))"
                        #expect(run.exitCode == 1, "\(what): \(run)")
                        #expect(run.stderr.contains("error: "), "\(what): \(run)")
                        #expect(run.stderr.contains(workspace.databasePath), "\(what): \(run)")
                        #expect(run.stderr.contains(kind.expected), "\(what): \(run)")
                        #expect(!run.stderr.contains("NSCocoaErrorDomain"), "\(what): \(run)")
                        #expect(try Self.siblings(workspace) == before, "\(what): nothing created or changed")
                    }
                    #expect(!workspace.fileExists("p.json"))
                }
            }
        }
    }
}
