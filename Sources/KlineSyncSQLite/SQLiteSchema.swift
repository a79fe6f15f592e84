import Foundation
import GRDB

/// The klinesync SQLite schema and its migrations.
///
/// Tables: `meta` (lineage id, schema version), `series` (one row per symbol × interval, with maintained
/// `bar_count`, `first_open_time` and `last_open_time` so that summaries never scan bars), `bars` (decimals as
/// TEXT exactly as sent), `series_state` (listing floor), `empty_ranges` (confirmed-empty ranges), `instruments`
/// and `runs`.
enum SQLiteSchema {
    /// The schema version this build writes and understands. Every migration sets `meta.schema_version`.
    static let currentVersion = 1

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
        return migrator
    }

    private static let v1 = """
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
