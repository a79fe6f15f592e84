/// The klinesync PostgreSQL schema and its migrations.
///
/// The same tables as the SQLite store: `meta` (lineage id, schema version), `series` (one row per symbol ×
/// interval × dataset, with maintained `bar_count`, `first_open_time` and `last_open_time` so that summaries never
/// scan bars), `bars`, `series_state` (listing floor), `empty_ranges`, `funding_series` (one row per symbol, with
/// maintained `event_count`, `first_funding_time` and `last_funding_time`), `funding_events`, `instruments` and
/// `runs`; plus views `klines` and `funding_rates` with the decimals cast to `numeric` and a `timestamptz` beside
/// each millisecond time, for people who query the database.
///
/// Version 1 had no datasets and no funding; version 2 adds them (and widens the `klines` view, keeping its
/// columns). A version-1 database is migrated when a store first opens it for writing; a read-only store reads it
/// as it is (`isLegacy`).
///
/// Prices and volumes are `text`, not `numeric`. `numeric` keeps the value and the scale but not the text: it
/// stores `"00.10"` as `0.10`, and it compares `"1.0"` equal to `"1.00"`, where the contract is that exactly what the
/// exchange sent comes back and that a changed text is an update. Every value is a plain decimal (optional `-`,
/// digits, at most one `.`, no exponent), so every stored value casts to `numeric` (the views): the store checks
/// each one before it writes (`Bar.firstMalformedDecimal`; a malformed one refuses the symbol's whole write).
/// Versions 1 and 2 had the database check them again, with a domain `decimal_text` whose `CHECK` is a regular
/// expression; on eight columns that made `COPY` into `bars` about three times slower (1M bars with
/// `klinesync-bench insert`: 86k bars/s with it, 230k without), so version 3 turns the columns into plain `text`.
enum PostgresSchema {
    /// The schema version this build writes and understands. Every migration sets `meta.schema_version`.
    static let currentVersion = 3
    /// The oldest version a read-only store reads without migrating it.
    static let oldestReadable = 1

    /// Migration `n` is `migrations[n - 1]`: SQL run in one transaction, under the migration lock.
    static let migrations = [v1, v2, v3]

    /// The plain-decimal rule of `DecimalText.isValid`, as a POSIX regular expression (the check of versions 1 and 2).
    static let decimalPattern = #"^-?([0-9]+\.?[0-9]*|\.[0-9]+)$"#

    /// The first schema, kept as it shipped: version-1 databases were made by it (tests make them with it too).
    static let v1 = """
        CREATE DOMAIN decimal_text AS text CHECK (VALUE ~ '\(decimalPattern)');
        CREATE TABLE meta (
            key text PRIMARY KEY,
            value text NOT NULL
        );
        CREATE TABLE series (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            exchange text NOT NULL,
            market text NOT NULL,
            symbol text NOT NULL,
            interval text NOT NULL,
            bar_count bigint NOT NULL DEFAULT 0 CHECK (bar_count >= 0),
            first_open_time bigint,
            last_open_time bigint,
            UNIQUE (exchange, market, symbol, interval)
        );
        CREATE INDEX series_by_market ON series (market);
        CREATE TABLE bars (
            series_id bigint NOT NULL,
            open_time bigint NOT NULL,
            open decimal_text NOT NULL,
            high decimal_text NOT NULL,
            low decimal_text NOT NULL,
            close decimal_text NOT NULL,
            volume decimal_text NOT NULL,
            close_time bigint NOT NULL CHECK (close_time > open_time),
            quote_volume decimal_text NOT NULL,
            trades bigint NOT NULL CHECK (trades >= 0),
            taker_buy_base decimal_text NOT NULL,
            taker_buy_quote decimal_text NOT NULL,
            PRIMARY KEY (series_id, open_time)
        );
        CREATE TABLE series_state (
            series_id bigint PRIMARY KEY REFERENCES series (id),
            listing_floor bigint
        );
        CREATE TABLE empty_ranges (
            series_id bigint NOT NULL REFERENCES series (id),
            start_time bigint NOT NULL,
            end_time bigint NOT NULL CHECK (end_time > start_time),
            PRIMARY KEY (series_id, start_time)
        );
        CREATE TABLE instruments (
            exchange text NOT NULL,
            market text NOT NULL,
            symbol text NOT NULL,
            status text NOT NULL,
            raw_status text NOT NULL,
            contract_type text,
            base_asset text NOT NULL,
            quote_asset text NOT NULL,
            margin_asset text,
            onboard_date bigint,
            delivery_date bigint,
            last_seen bigint NOT NULL,
            PRIMARY KEY (exchange, market, symbol)
        );
        CREATE TABLE runs (
            id text PRIMARY KEY,
            manifest_digest text NOT NULL,
            started_at bigint NOT NULL,
            finished_at bigint,
            status text NOT NULL,
            report text
        );
        CREATE VIEW klines AS
            SELECT s.exchange, s.market, s.symbol, s.interval, b.open_time, b.open::numeric AS open,
                b.high::numeric AS high, b.low::numeric AS low, b.close::numeric AS close,
                b.volume::numeric AS volume, b.close_time, b.quote_volume::numeric AS quote_volume, b.trades,
                b.taker_buy_base::numeric AS taker_buy_base, b.taker_buy_quote::numeric AS taker_buy_quote
            FROM bars b JOIN series s ON s.id = b.series_id;
        """

    /// Datasets in `series` (joining its unique key; existing series are trade klines), the funding tables, and the
    /// read views (`klines` keeps every column of version 1, under the same names and types).
    static let v2 = """
        ALTER TABLE series ADD COLUMN dataset text NOT NULL DEFAULT 'klines';
        ALTER TABLE series DROP CONSTRAINT series_exchange_market_symbol_interval_key;
        ALTER TABLE series ADD CONSTRAINT series_exchange_market_symbol_interval_dataset_key
            UNIQUE (exchange, market, symbol, interval, dataset);
        CREATE TABLE funding_series (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            exchange text NOT NULL,
            market text NOT NULL,
            symbol text NOT NULL,
            event_count bigint NOT NULL DEFAULT 0 CHECK (event_count >= 0),
            first_funding_time bigint,
            last_funding_time bigint,
            checked_from bigint,
            checked_until bigint,
            UNIQUE (exchange, market, symbol)
        );
        CREATE TABLE funding_events (
            series_id bigint NOT NULL REFERENCES funding_series (id),
            funding_time bigint NOT NULL,
            rate decimal_text NOT NULL,
            mark_price decimal_text,
            PRIMARY KEY (series_id, funding_time)
        );
        DROP VIEW IF EXISTS klines;
        \(views)
        """

    /// The read views of version 2 on: `klines` (every kline dataset) and `funding_rates`, decimals cast to
    /// `numeric`, a `timestamptz` beside each millisecond time.
    static let views = """
        CREATE VIEW klines AS
            SELECT s.exchange, s.market, s.symbol, s.dataset, s.interval, b.open_time,
                to_timestamp(b.open_time / 1000.0) AS open_at, b.open::numeric AS open, b.high::numeric AS high,
                b.low::numeric AS low, b.close::numeric AS close, b.volume::numeric AS volume, b.close_time,
                b.quote_volume::numeric AS quote_volume, b.trades, b.taker_buy_base::numeric AS taker_buy_base,
                b.taker_buy_quote::numeric AS taker_buy_quote
            FROM bars b JOIN series s ON s.id = b.series_id;
        CREATE VIEW funding_rates AS
            SELECT f.exchange, f.market, f.symbol, e.funding_time,
                to_timestamp(e.funding_time / 1000.0) AS funding_at, e.rate::numeric AS rate,
                e.mark_price::numeric AS mark_price
            FROM funding_events e JOIN funding_series f ON f.id = e.series_id;
        """

    /// The decimal check moves out of the database (see the type's comment): the domain's `CHECK` (named
    /// `decimal_text_check` by `CREATE DOMAIN`) is dropped, which leaves an unconstrained domain over `text`, so the
    /// columns become plain `text` without rewriting the tables (PostgreSQL skips the rewrite for that change), and
    /// the domain goes. The views depend on the columns' types, so they are made again, unchanged.
    static let v3 = """
        ALTER DOMAIN decimal_text DROP CONSTRAINT IF EXISTS decimal_text_check;
        DROP VIEW klines;
        DROP VIEW funding_rates;
        ALTER TABLE bars ALTER COLUMN open TYPE text, ALTER COLUMN high TYPE text, ALTER COLUMN low TYPE text,
            ALTER COLUMN close TYPE text, ALTER COLUMN volume TYPE text, ALTER COLUMN quote_volume TYPE text,
            ALTER COLUMN taker_buy_base TYPE text, ALTER COLUMN taker_buy_quote TYPE text;
        ALTER TABLE funding_events ALTER COLUMN rate TYPE text, ALTER COLUMN mark_price TYPE text;
        DROP DOMAIN decimal_text;
        \(views)
        """
}
