import KlineSyncCore
import PostgresNIO

extension PostgresStore: RunRetention {
    /// Deletes every run but the `count` most recently started (ties broken by id, which sorts by time too).
    @discardableResult
    public func pruneRuns(keepingLatest count: Int) async throws -> Int {
        let operation = "delete old runs"
        if isReadOnly { throw PostgresStoreError.failure(.readOnly, url: displayName, operation: operation) }
        let keep = max(0, count)
        let logger = self.logger
        return try await withConnection(operation) { connection in
            let rows = try await connection.query(
                """
                WITH gone AS (
                    DELETE FROM runs WHERE id NOT IN (
                        SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT \(keep))
                    RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """, logger: logger)
            var deleted = 0
            for try await (count) in rows.decode(Int64.self) { deleted = Int(count) }
            return deleted
        }
    }
}
