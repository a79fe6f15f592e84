import KlineSyncCore
import Testing

/// The agent's retention of the runs table, on every backend.
@Suite struct RunRetentionContractTests {
    @Test(arguments: StoreBackend.all)
    func pruningKeepsTheLatestStartedRuns(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let retention = try #require(store as? any RunRetention)
            for n in 1...5 {
                try await store.recordRun(
                    RunRecord(
                        id: "r\(n)", manifestDigest: "d", startedAt: Int64(n) * 1000, finishedAt: Int64(n) * 1000 + 5,
                        status: "ok", report: "{}"))
            }
            #expect(try await retention.pruneRuns(keepingLatest: 2) == 3)
            #expect(try await retention.pruneRuns(keepingLatest: 2) == 0)
            // An older run recorded late is the first to go.
            try await store.recordRun(
                RunRecord(id: "r0", manifestDigest: "d", startedAt: 0, finishedAt: 5, status: "ok", report: "{}"))
            #expect(try await retention.pruneRuns(keepingLatest: 2) == 1)
            #expect(try await retention.pruneRuns(keepingLatest: 1) == 1)
        }
    }
}
