import GRDB
import KlineSyncCore

extension SQLiteStore: RunRetention {
    /// Deletes every run but the `count` most recently started (ties broken by id, which sorts by time too).
    @discardableResult
    public func pruneRuns(keepingLatest count: Int) async throws -> Int {
        let keep = max(0, count)
        return try await write("delete old runs") { db in
            try db.execute(
                sql: """
                    DELETE FROM runs WHERE id NOT IN (
                        SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?)
                    """, arguments: [keep])
            return db.changesCount
        }
    }
}
