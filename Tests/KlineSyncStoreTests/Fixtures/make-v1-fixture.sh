#!/usr/bin/env bash
# Rebuilds v1-usdm.sqlite: the bars `klinesync apply v1-usdm.yaml` stores (embedded simulator, fixed clock, so always
# the same bars), in a file laid out exactly as schema version 1 made it (the v1 DDL from git history, GRDB's
# migration record 'v1', meta schema_version 1, WAL mode, 16 KiB pages).
#   Tests/KlineSyncStoreTests/Fixtures/make-v1-fixture.sh   (from the repository root, after `swift build`)
set -euo pipefail
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Tests/KlineSyncStoreTests/Fixtures/v1-usdm.yaml "$work/"
(cd "$work" && "$root/.build/debug/klinesync" apply v1-usdm.yaml --quiet)
git show b86795d:Sources/KlineSyncSQLite/SQLiteSchema.swift | sed -n '/private static let v1 = """/,/^        """$/p' \
    | sed '1d;$d' > "$work/v1.sql"
(cd "$work" && sqlite3 fixture.sqlite <<'SQL'
PRAGMA page_size = 16384;
PRAGMA journal_mode = WAL;
.read v1.sql
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES ('v1');
ATTACH 'v1.sqlite' AS v2;
INSERT INTO meta SELECT key, CASE key WHEN 'schema_version' THEN '1' ELSE value END FROM v2.meta;
INSERT INTO series SELECT id, exchange, market, symbol, interval, bar_count, first_open_time, last_open_time
    FROM v2.series WHERE dataset = 'klines';
INSERT INTO bars SELECT * FROM v2.bars;
INSERT INTO series_state SELECT * FROM v2.series_state;
INSERT INTO empty_ranges SELECT * FROM v2.empty_ranges;
INSERT INTO instruments SELECT * FROM v2.instruments;
INSERT INTO runs SELECT * FROM v2.runs;
DETACH v2;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
)
cp "$work/fixture.sqlite" Tests/KlineSyncStoreTests/Fixtures/v1-usdm.sqlite
echo "wrote Tests/KlineSyncStoreTests/Fixtures/v1-usdm.sqlite"
