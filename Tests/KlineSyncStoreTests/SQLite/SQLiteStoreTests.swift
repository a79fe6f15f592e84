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
            #expect(error.description.contains("schema version 99 is newer than this klinesync knows (2)"))
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

/// Files klinesync did not make are inspected read-only and refused: not a byte changed, no side file
/// (`-wal`, `-shm`, `.lock`) made, by the store or by the writer lock.
@Suite struct ForeignFileTests {
    /// One kind of file at the database path, and the words its refusal must contain.
    struct Kind: Sendable, CustomTestStringConvertible {
        var name: String
        var expected: String
        var make: @Sendable (String) throws -> Void
        var testDescription: String { name }
    }

    static let kinds: [Kind] = [
        Kind(name: "someone else's SQLite database", expected: "klinesync did not create") { path in
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)") }
            try queue.close()
        },
        Kind(name: "someone else's SQLite database in WAL mode", expected: "klinesync did not create") { path in
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('a', 'b')")
            }
            try queue.close()
        },
        Kind(name: "an SQLite database without tables", expected: "klinesync did not create") { path in
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "PRAGMA user_version = 7") }
            try queue.close()
        },
        Kind(name: "an empty file", expected: "it is an empty file (0 bytes), not a klinesync database") { path in
            try Data().write(to: URL(fileURLWithPath: path))
        },
        Kind(name: "a text file", expected: "file is not a database") { path in
            try Data("date,close\n2024-01-01,42000\n".utf8).write(to: URL(fileURLWithPath: path))
        },
        Kind(name: "a directory", expected: "it is a directory") { path in
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path + "/inside.txt"))
        },
        Kind(name: "a symbolic link loop", expected: "it cannot be reached (too many levels of symbolic links)") {
            path in
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path)
        },
    ]

    /// Every file under `folder` with its bytes (directories as markers), to compare before and after.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let files = FileManager.default
        for name in try files.subpathsOfDirectory(atPath: folder.path).sorted() {
            let path = folder.appendingPathComponent(name).path
            let attributes = try? files.attributesOfItem(atPath: path)
            if attributes?[.type] as? FileAttributeType == .typeDirectory
                || attributes?[.type] as? FileAttributeType == .typeSymbolicLink
            {
                result[name] = Data("<\(attributes![.type]!)>".utf8)
            } else {
                result[name] = files.contents(atPath: path) ?? Data("<unreadable>".utf8)
            }
        }
        return result
    }

    @Test(arguments: kinds) func foreignFileIsRefusedAndLeftUntouched(_ kind: Kind) async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.sqlite").path
        try kind.make(path)
        let before = try Self.snapshot(folder)
        #expect(!before.keys.contains { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") })

        for createIfMissing in [true, false] {
            let error = try #require(throws: SQLiteStoreError.self) {
                try SQLiteStore(path: path, createIfMissing: createIfMissing)
            }
            #expect(error.description.hasPrefix("cannot open database at \(path): "), "\(error)")
            #expect(error.description.contains(kind.expected), "\(error)")
        }
        let lockError = await #expect(throws: SQLiteStoreError.self) {
            _ = try await WriterLock.acquire(databasePath: path, timeout: 0.1)
        }
        #expect(lockError?.description.contains(kind.expected) == true, "\(String(describing: lockError))")
        #expect(try Self.snapshot(folder) == before, "nothing created or changed")
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file")) func unreadableFileIsRefused() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.sqlite").path
        try await SQLiteStore(path: path).close()
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        let error = try #require(throws: SQLiteStoreError.self) { try SQLiteStore(path: path) }
        #expect(error.description.contains("cannot be read (permission denied)"), "\(error)")
    }

    @Test func lockFileThatCannotBeMadeIsSaidInKlinesyncWords() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.sqlite").path
        try await SQLiteStore(path: path).close()
        // A directory where the lock file should be: open(2) fails as it would in a read-only folder.
        try FileManager.default.createDirectory(atPath: path + ".lock", withIntermediateDirectories: false)
        let error = await #expect(throws: WriterLock.Unavailable.self) {
            _ = try await WriterLock.acquire(databasePath: path, timeout: 0.1)
        }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("cannot take the writer lock of \(path): cannot create \(path).lock (is a directory)"))
        #expect(text.contains("make its folder writable"))
        #expect(!text.contains("NSCocoaErrorDomain"))
    }

    @Test func klinesyncDatabaseWithCommitsStillInItsWALIsRecognised() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("x.sqlite").path
        // The writer stays open, so its commits (the schema too) may still be in the -wal file only.
        let writer = try SQLiteStore(path: path)
        _ = try await writer.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(3)))
        #expect(try SQLiteFile.inspect(path) == .klinesync(version: 2))
        let reader = try SQLiteStore(path: path, createIfMissing: false)
        #expect(try await reader.summaries(market: .usdm).map(\.barCount) == [3])
        try await reader.close()
        try await writer.close()
    }
}
