import Crypto
import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSQLite
import Testing

@testable import KlineSyncPostgres

/// A version-1 database as klinesync made it before datasets existed (`Fixtures/v1-usdm.sqlite`: the bars of
/// `klinesync apply Fixtures/v1-usdm.yaml`, in a file laid out by the version-1 DDL of the commit before schema
/// version 2; `Fixtures/make-v1-fixture.sh` rebuilds it), read as it is and migrated. The digests below were printed
/// by a version-1 build's `status --json`.
@Suite struct MigrationTests {
    /// The fixture's series, bar counts and digests, as `klinesync status --json` printed them when it was made.
    static let expected: [(symbol: String, interval: String, bars: Int64, digest: String)] = [
        ("BTCUSDT", "1h", 72, "e865954848c7ce16056f5b547626d34d5bde2f738f84a13e08ddad62726dd94e"),
        ("BTCUSDT", "1d", 45, "8a7e5e233363ec5d5ea3255cabbb327c7b7fd2fa8b3bf8cd036a20dfda3114c3"),
        ("ETHUSDT", "1h", 72, "b7a7da4557df7da1a784496f24723dc45755e18fea430cb7d2337a550721d542"),
        ("ETHUSDT", "1d", 45, "1d59ac15a51f4b2bc8662c3ce40ee7c61eb84dfc729b5f7cd742baba112f2db7"),
    ]
    static let datasetDigest = "85f16f7e2e20241658f418ac2e989b0b59f1b64596c2939859de09f71ec2e572"
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/v1-usdm.sqlite").path

    static func key(_ symbol: String, _ interval: String, _ dataset: Dataset = .klines) -> SeriesKey {
        SeriesKey(market: .usdm, symbol: symbol, interval: Interval(name: interval)!, dataset: dataset)
    }

    /// Checks that `store` holds exactly the fixture's bars, as trade klines.
    static func expectFixtureBars(in store: any Store) async throws {
        let summaries = try await store.summaries(market: .usdm)
        #expect(summaries.map(\.key).sorted() == expected.map { key($0.symbol, $0.interval) }.sorted())
        var digests: [(SeriesKey, String)] = []
        for series in expected {
            let key = key(series.symbol, series.interval)
            #expect(summaries.first { $0.key == key }?.barCount == series.bars)
            let digest = try await store.digest(of: key)
            #expect(digest == series.digest, "\(key)")
            #expect(try await store.bars(of: key, in: nil).count == Int(series.bars))
            #expect(try await store.gaps(of: key).isEmpty)
            digests.append((key, digest))
        }
        #expect(DigestBuilder.datasetDigest(digests) == datasetDigest)
        #expect(try await store.recount(market: .usdm, repair: false).allSatisfy { !$0.drifted })
    }

    @Test(arguments: StoreBackend.all)
    func versionOneDatabaseIsReadAsItIsAndMigratedOnFirstWrite(backend: StoreBackend) async throws {
        let database = try await V1Database.make(on: backend)
        do {
            try await Self.readAndMigrate(database)
            try await database.destroy()
        } catch {
            try? await database.destroy()
            throw error
        }
    }

    /// The steps of `versionOneDatabaseIsReadAsItIsAndMigratedOnFirstWrite` on one backend's database.
    static func readAndMigrate(_ database: V1Database) async throws {
        let before = try await database.fingerprint()
        #expect(before.version == 1)

        // plan and status read an unmigrated database read-only, and leave it as it was.
        let reader = try await database.openReadOnly()
        let lineage = try await reader.lineageID()
        try await Self.expectFixtureBars(in: reader)
        #expect(try await reader.bars(of: Self.key("BTCUSDT", "1h", .markPrice), in: nil).isEmpty)
        #expect(try await reader.gaps(of: Self.key("BTCUSDT", "1h", .markPrice)).isEmpty)
        #expect(try await reader.fundingSummaries(market: .usdm).isEmpty)
        #expect(try await reader.fundingRates(market: .usdm, symbol: "BTCUSDT", in: nil).isEmpty)
        await #expect(throws: (any Error).self) {
            try await reader.write(Fixtures.write(Self.key("BTCUSDT", "1h"), bars: []))
        }
        try await reader.close()
        #expect(try await database.fingerprint() == before)

        // The first writable open migrates: every bar and digest kept, the lineage too.
        let writer = try await database.open()
        #expect(try await database.fingerprint().version == database.currentVersion)
        #expect(try await writer.lineageID() == lineage)
        try await Self.expectFixtureBars(in: writer)

        let mark = Self.key("BTCUSDT", "1h", .markPrice)
        let trade = Self.key("BTCUSDT", "1h")
        let stored = try await writer.bars(of: trade, in: nil)
        var next = Fixtures.bar(Fixtures.hour.next(stored.last!.openTime))
        next.close = "51234.5"
        let counts = try await writer.write(
            SymbolWrite(
                market: .usdm, symbol: "BTCUSDT",
                series: [SeriesWrite(key: trade, bars: stored + [next]), SeriesWrite(key: mark, bars: stored)],
                funding: FundingWrite(rates: DatasetContractTests.rates())))
        #expect(
            counts == [WriteCounts(inserted: 1, unchanged: 72), WriteCounts(inserted: 72), WriteCounts(inserted: 3)])
        #expect(try await writer.bars(of: trade, in: nil) == stored + [next])
        #expect(try await writer.digest(of: mark) == Self.expected[0].digest)
        try await writer.close()

        // Read-only again, now at the current version.
        let again = try await database.openReadOnly()
        #expect(try await again.summaries(market: .usdm).count == 5)
        #expect(try await again.digest(of: Self.key("ETHUSDT", "1d")) == Self.expected[3].digest)
        #expect(try await again.fundingSummaries(market: .usdm).map(\.count) == [3])
        try await again.close()
    }
}

/// A version-1 database on a backend: the fixture file copied (SQLite), or the version-1 DDL run and the fixture's
/// rows inserted (PostgreSQL).
struct V1Database: Sendable {
    /// The schema version (from `meta`) and a digest of everything stored, to tell whether anything changed.
    struct Fingerprint: Equatable {
        var version: Int
        var contents: String
    }

    /// The version a writable open migrates to (SQLite 2; PostgreSQL 3, which moved the decimal check out of the
    /// database).
    let currentVersion: Int
    let open: @Sendable () async throws -> any Store
    let openReadOnly: @Sendable () async throws -> any Store
    let fingerprint: @Sendable () async throws -> Fingerprint
    let destroy: @Sendable () async throws -> Void

    static func make(on backend: StoreBackend) async throws -> V1Database {
        backend.name == "sqlite" ? try sqlite() : try await postgres()
    }

    static func sqlite() throws -> V1Database {
        let folder = try TemporaryFolder.make()
        let path = folder.appendingPathComponent("v1.sqlite").path
        try FileManager.default.copyItem(atPath: MigrationTests.fixture, toPath: path)
        return V1Database(
            currentVersion: 2,
            open: { try SQLiteStore(path: path) },
            openReadOnly: { try SQLiteStore(path: path, createIfMissing: false) },
            fingerprint: {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
                var configuration = Configuration()
                configuration.readonly = true
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                defer { try? queue.close() }
                let version = try await queue.read {
                    try Int.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'schema_version'") ?? 0
                }
                let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                return Fingerprint(version: version, contents: "\(digest) wal \(wal)")
            },
            destroy: { try FileManager.default.removeItem(at: folder) })
    }

    static func postgres() async throws -> V1Database {
        let database = try PostgresTestDatabase()
        let server = PostgresTestDatabase.serverURL!
        let schema = database.schema
        var statements = ["CREATE SCHEMA \(schema)", "SET search_path TO \(schema)"]
        statements += PostgresStore.statements(PostgresSchema.v1)
        statements.append(
            "INSERT INTO meta (key, value) VALUES ('lineage_id', 'v1-fixture-lineage'), ('schema_version', '1')")
        // The fixture's rows, read through a read-only SQLite store on it.
        let source = try SQLiteStore(path: MigrationTests.fixture, createIfMissing: false)
        for series in try await source.summaries(market: .usdm) {
            let key = series.key
            statements.append(
                """
                INSERT INTO series (exchange, market, symbol, interval, bar_count, first_open_time, last_open_time)
                VALUES ('\(key.exchange)', 'usdm', '\(key.symbol)', '\(key.interval.name)', \(series.barCount),
                    \(series.firstOpenTime!), \(series.lastOpenTime!))
                """)
            let rows = try await source.bars(of: key, in: nil).map { bar in
                "(\(bar.openTime), '\(bar.open)', '\(bar.high)', '\(bar.low)', '\(bar.close)', '\(bar.volume)', "
                    + "\(bar.closeTime), '\(bar.quoteVolume)', \(bar.trades), '\(bar.takerBuyBaseVolume)', "
                    + "'\(bar.takerBuyQuoteVolume)')"
            }
            statements.append(
                """
                INSERT INTO bars (series_id, open_time, open, high, low, close, volume, close_time, quote_volume,
                    trades, taker_buy_base, taker_buy_quote)
                SELECT (SELECT id FROM series WHERE symbol = '\(key.symbol)' AND interval = '\(key.interval.name)'),
                    v.* FROM (VALUES \(rows.joined(separator: ", "))) AS v
                """)
        }
        try await source.close()
        try await PostgresAdmin.execute(statements, server: server)
        return V1Database(
            currentVersion: PostgresSchema.currentVersion,
            open: { try await database.open() },
            openReadOnly: { try await PostgresStore(url: database.url, createIfMissing: false) },
            fingerprint: {
                let rows = try await PostgresAdmin.strings(
                    [
                        "SET search_path TO \(schema)",
                        """
                        SELECT (SELECT value FROM meta WHERE key = 'schema_version') || ' ' || md5(string_agg(
                            c.table_name || '.' || c.column_name || ':' || c.data_type, ',' ORDER BY c.table_name,
                            c.column_name)) || ' ' || (SELECT md5(string_agg(b::text, ',' ORDER BY series_id,
                            open_time)) FROM bars b)
                        FROM information_schema.columns c WHERE c.table_schema = '\(schema)'
                        """,
                    ], server: server)
                let parts = rows.first?.split(separator: " ", maxSplits: 1) ?? []
                return Fingerprint(version: Int(parts.first ?? "") ?? 0, contents: String(parts.last ?? ""))
            },
            destroy: { try await database.destroy() })
    }
}
