import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSQLite
import Testing

/// What only the SQLite store has: files, opening modes, schema checks and its tables.
@Suite struct SQLiteStoreTests {
    /// Runs `body` with a fresh temporary folder, removed afterwards.
    private func inFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    @Test func createsMissingParentFolders() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("a/b/c/klines.sqlite").path
            let store = try SQLiteStore(path: path)
            #expect(store.displayName == "sqlite:\(path)")
            try await store.close()
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func garbageFileIsAClearError() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("garbage.sqlite").path
            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
            for createIfMissing in [true, false] {
                let error = try #require(throws: SQLiteStoreError.self) {
                    try SQLiteStore(path: path, createIfMissing: createIfMissing)
                }
                #expect(error.description == "cannot open database at \(path): file is not a database")
            }
        }
    }

    @Test func unreachableFolderIsAClearError() async throws {
        try await inFolder { folder in
            let blocker = folder.appendingPathComponent("file")
            try Data("x".utf8).write(to: blocker)
            let path = blocker.appendingPathComponent("klines.sqlite").path
            let error = try #require(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
            #expect(error.description.hasPrefix("cannot create directory \(blocker.path) for database \(path): "))
        }
    }

    @Test func readOnlyOpenOfAMissingFileFailsAndCreatesNothing() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("sub/klines.sqlite").path
            let error = try #require(throws: SQLiteStoreError.self) {
                try SQLiteStore(path: path, createIfMissing: false)
            }
            #expect(error.description == "no database at \(path); run `klinesync apply` first")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    @Test func readOnlyStoreReadsButRefusesWrites() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("klines.sqlite").path
            let writer = try SQLiteStore(path: path)
            _ = try await writer.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(3)))
            let lineage = try await writer.lineageID()
            try await writer.close()
            let filesBefore = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()

            let reader = try SQLiteStore(path: path, createIfMissing: false)
            #expect(reader.isReadOnly)
            #expect(try await reader.lineageID() == lineage)
            #expect(try await reader.summaries(market: .usdm).map(\.barCount) == [3])
            let error = await #expect(throws: SQLiteStoreError.self) {
                try await reader.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(1)))
            }
            #expect(error?.description.contains("is open read-only") == true)
            try await reader.close()
            // The reader adds no file (SQLite's -wal and -shm, left by GRDB's read-only reader connections, were
            // already there after the writer closed).
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == filesBefore)
        }
    }

    @Test func newerSchemaIsRefused() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("klines.sqlite").path
            try await SQLiteStore(path: path).close()
            let queue = try DatabaseQueue(path: path)
            try await queue.write { try $0.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'schema_version'") }
            try queue.close()
            let error = try #require(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
            #expect(error.description.contains("schema version 99 is newer than this klinesync knows (1)"))
        }
    }

    @Test func foreignSQLiteDatabaseIsRefused() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("other.sqlite").path
            let queue = try DatabaseQueue(path: path)
            try await queue.write { try $0.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)") }
            try queue.close()
            let error = try #require(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
            #expect(error.description.contains("klinesync did not create"))
        }
    }

    @Test func closedStoreFailsClearly() async throws {
        try await inFolder { folder in
            let store = try SQLiteStore(path: folder.appendingPathComponent("klines.sqlite").path)
            try await store.close()
            let error = await #expect(throws: SQLiteStoreError.self) { try await store.summaries(market: .usdm) }
            #expect(error?.description.contains("is closed") == true)
        }
    }

    @Test func summariesComeFromMaintainedCountersNotFromBars() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("klines.sqlite").path
            let store = try SQLiteStore(path: path)
            _ = try await store.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(10)))
            // Remove bars behind the store's back: a summary that scanned bars would notice.
            let queue = try DatabaseQueue(path: path)
            try await queue.write { try $0.execute(sql: "DELETE FROM bars WHERE open_time > ?", arguments: [0]) }
            try queue.close()
            let summary = try #require(try await store.summaries(market: .usdm).first)
            #expect(summary.barCount == 10)
            #expect(summary.lastOpenTime == Fixtures.hour.advance(Fixtures.start, by: 9))
            try await store.close()
        }
    }

    @Test func runsAndDecimalsAreStoredAsSent() async throws {
        try await inFolder { folder in
            let path = folder.appendingPathComponent("klines.sqlite").path
            let store = try SQLiteStore(path: path)
            try await store.recordRun(
                RunRecord(id: "r1", manifestDigest: "d", startedAt: 1, finishedAt: nil, status: "running", report: nil))
            try await store.recordRun(
                RunRecord(id: "r1", manifestDigest: "d", startedAt: 1, finishedAt: 5, status: "ok", report: "{}"))
            var bar = Fixtures.bar(Fixtures.start)
            bar.close = "0.00001000"
            _ = try await store.write(Fixtures.write(Fixtures.key(), bars: [bar]))
            try await store.close()

            let queue = try DatabaseQueue(path: path)
            let (runs, closeType, close) = try await queue.read { db in
                (
                    try String.fetchAll(
                        db, sql: "SELECT id || '|' || finished_at || '|' || status || '|' || report FROM runs"),
                    try String.fetchOne(db, sql: "SELECT typeof(close) FROM bars"),
                    try String.fetchOne(db, sql: "SELECT close FROM bars")
                )
            }
            try queue.close()
            #expect(runs == ["r1|5|ok|{}"])
            #expect(closeType == "text")
            #expect(close == "0.00001000")
        }
    }
}
