import Foundation
import GRDB

/// The klinesync SQLite schema and its migrations.
///
/// Tables: `meta` (lineage id, schema version), `series` (one row per symbol × interval × dataset, with maintained
/// `bar_count`, `first_open_time` and `last_open_time` so that summaries never scan bars), `bars` (decimals as
/// TEXT exactly as sent), `series_state` (listing floor), `empty_ranges` (confirmed-empty ranges),
/// `funding_series` (one row per symbol, with maintained `event_count`, `first_funding_time` and
/// `last_funding_time`, and the funding times known complete, `checked_from` … `checked_until`), `funding_events`, `instruments` and `runs`. Views for people who query the database:
/// `klines` and `funding_rates`, with the decimals as numbers (`REAL`) and a UTC timestamp beside each time.
///
/// Version 1 had no datasets and no funding; version 2 adds them. A version-1 file is migrated when it is first
/// opened for writing (its series become trade klines); opened read-only, it is read as it is (`isLegacy`).
enum SQLiteSchema {
    /// The schema version this build writes and understands. Every migration sets `meta.schema_version`.
    static let currentVersion = 2
    /// The oldest version a read-only store reads without migrating it.
    static let oldestReadable = 1

    /// What an existing file holds before any migration runs.
    enum Inspection: Equatable {
        /// No tables at all: a new database.
        case empty
        /// Tables, but no klinesync `meta` table.
        case foreign
        /// A klinesync database at this schema version.
        case klinesync(version: Int)
    }

    /// Looks at the file without changing it.
    static func inspect(_ db: Database) throws -> Inspection {
        if try db.tableExists("meta") {
            let version = try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'")
            return .klinesync(version: version ?? 0)
        }
        let tables =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") ?? 0
        return tables == 0 ? .empty : .foreign
    }

    /// The lineage id, made once by the first migration.
    static func lineageID(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'lineage_id'")
    }

    /// Every migration, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('lineage_id', ?), ('schema_version', '1')",
                arguments: [UUID().uuidString.lowercased()])
        }
        // GRDB runs it with foreign keys off and checks them before it commits.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        return migrator
    }

    /// Datasets in `series`, where the dataset joins the unique key (so the table is rebuilt, keeping its ids); the
    /// funding tables; the read views.
    static let v2 = """
        CREATE TABLE series_v2 (
            id INTEGER PRIMARY KEY,
            exchange TEXT NOT NULL,
            market TEXT NOT NULL,
            symbol TEXT NOT NULL,
            interval TEXT NOT NULL,
            dataset TEXT NOT NULL DEFAULT 'klines',
            bar_count INTEGER NOT NULL DEFAULT 0 CHECK (bar_count >= 0),
            first_open_time INTEGER,
            last_open_time INTEGER,
            UNIQUE (exchange, market, symbol, interval, dataset)
        );
        INSERT INTO series_v2 (id, exchange, market, symbol, interval, dataset, bar_count, first_open_time,
            last_open_time)
        SELECT id, exchange, market, symbol, interval, 'klines', bar_count, first_open_time, last_open_time
        FROM series;
        DROP TABLE series;
        ALTER TABLE series_v2 RENAME TO series;
        CREATE INDEX series_by_market ON series (market);
        CREATE TABLE funding_series (
            id INTEGER PRIMARY KEY,
            exchange TEXT NOT NULL,
            market TEXT NOT NULL,
            symbol TEXT NOT NULL,
            event_count INTEGER NOT NULL DEFAULT 0 CHECK (event_count >= 0),
            first_funding_time INTEGER,
            last_funding_time INTEGER,
            checked_from INTEGER,
            checked_until INTEGER,
            UNIQUE (exchange, market, symbol)
        );
        CREATE TABLE funding_events (
            series_id INTEGER NOT NULL REFERENCES funding_series (id),
            funding_time INTEGER NOT NULL,
            rate TEXT NOT NULL,
            mark_price TEXT,
            PRIMARY KEY (series_id, funding_time)
        ) WITHOUT ROWID;
        CREATE VIEW klines AS
            SELECT s.exchange, s.market, s.symbol, s.dataset, s.interval, b.open_time,
                datetime(b.open_time / 1000, 'unixepoch') AS open_at, CAST(b.open AS REAL) AS open,
                CAST(b.high AS REAL) AS high, CAST(b.low AS REAL) AS low, CAST(b.close AS REAL) AS close,
                CAST(b.volume AS REAL) AS volume, b.close_time, CAST(b.quote_volume AS REAL) AS quote_volume,
                b.trades, CAST(b.taker_buy_base AS REAL) AS taker_buy_base,
                CAST(b.taker_buy_quote AS REAL) AS taker_buy_quote
            FROM bars b JOIN series s ON s.id = b.series_id;
        CREATE VIEW funding_rates AS
            SELECT f.exchange, f.market, f.symbol, e.funding_time,
                datetime(e.funding_time / 1000, 'unixepoch') AS funding_at, CAST(e.rate AS REAL) AS rate,
                CAST(e.mark_price AS REAL) AS mark_price
            FROM funding_events e JOIN funding_series f ON f.id = e.series_id;
        UPDATE meta SET value = '2' WHERE key = 'schema_version';
        """

    /// The first schema, kept as it shipped: version-1 databases were made by it (tests make them with it too).
    static let v1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );
        CREATE TABLE series (
            id INTEGER PRIMARY KEY,
            exchange TEXT NOT NULL,
            market TEXT NOT NULL,
            symbol TEXT NOT NULL,
            interval TEXT NOT NULL,
            bar_count INTEGER NOT NULL DEFAULT 0 CHECK (bar_count >= 0),
            first_open_time INTEGER,
            last_open_time INTEGER,
            UNIQUE (exchange, market, symbol, interval)
        );
        CREATE INDEX series_by_market ON series (market);
        CREATE TABLE bars (
            series_id INTEGER NOT NULL,
            open_time INTEGER NOT NULL,
            open TEXT NOT NULL,
            high TEXT NOT NULL,
            low TEXT NOT NULL,
            close TEXT NOT NULL,
            volume TEXT NOT NULL,
            close_time INTEGER NOT NULL CHECK (close_time > open_time),
            quote_volume TEXT NOT NULL,
            trades INTEGER NOT NULL CHECK (trades >= 0),
            taker_buy_base TEXT NOT NULL,
            taker_buy_quote TEXT NOT NULL,
            PRIMARY KEY (series_id, open_time)
        ) WITHOUT ROWID;
        CREATE TABLE series_state (
            series_id INTEGER PRIMARY KEY NOT NULL REFERENCES series (id),
            listing_floor INTEGER
        );
        CREATE TABLE empty_ranges (
            series_id INTEGER NOT NULL REFERENCES series (id),
            start_time INTEGER NOT NULL,
            end_time INTEGER NOT NULL CHECK (end_time > start_time),
            PRIMARY KEY (series_id, start_time)
        ) WITHOUT ROWID;
        CREATE TABLE instruments (
            exchange TEXT NOT NULL,
            market TEXT NOT NULL,
            symbol TEXT NOT NULL,
            status TEXT NOT NULL,
            raw_status TEXT NOT NULL,
            contract_type TEXT,
            base_asset TEXT NOT NULL,
            quote_asset TEXT NOT NULL,
            margin_asset TEXT,
            onboard_date INTEGER,
            delivery_date INTEGER,
            last_seen INTEGER NOT NULL,
            PRIMARY KEY (exchange, market, symbol)
        ) WITHOUT ROWID;
        CREATE TABLE runs (
            id TEXT PRIMARY KEY NOT NULL,
            manifest_digest TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            status TEXT NOT NULL,
            report TEXT
        );
        """
}
