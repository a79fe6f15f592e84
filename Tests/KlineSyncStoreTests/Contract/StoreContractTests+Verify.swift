import Foundation
import GRDB
import KlineSyncCore
import Testing

/// `recount(market:repair:)`: bars deleted behind the store's back are found from the bars themselves, and a repair
/// makes the summaries (and so the planner) see the hole.
@Suite struct RecountContractTests {
    /// Deletes bars of every series with these open times, with SQL straight on the database (not through klinesync).
    static func deleteByHand(_ openTimes: [Int64], in database: any TestDatabase) async throws {
        let list = openTimes.map(String.init).joined(separator: ", ")
        if let sqlite = database as? SQLiteTestDatabase {
            let queue = try DatabaseQueue(path: sqlite.path)
            try await queue.write { try $0.execute(sql: "DELETE FROM bars WHERE open_time IN (\(list))") }
            try queue.close()
        } else if let postgres = database as? PostgresTestDatabase {
            try await PostgresAdmin.execute(
                ["DELETE FROM \(postgres.schema).bars WHERE open_time IN (\(list))"],
                server: PostgresTestDatabase.serverURL!)
        } else {
            Issue.record("no way to delete bars by hand in \(database)")
        }
    }

    @Test(arguments: StoreBackend.all)
    func recountFindsBarsDeletedByHandAndRepairRestoresTheSummaries(backend: StoreBackend) async throws {
        try await backend.withStore { store, database in
            let key = Fixtures.key()
            let other = Fixtures.key("ETHUSDT", Fixtures.week)
            _ = try await store.write(Fixtures.write(key, bars: Fixtures.bars(10)))
            _ = try await store.write(
                Fixtures.write(other, bars: Fixtures.bars(3, Fixtures.week, from: Fixtures.start)))
            let at = { (index: Int64) in Fixtures.hour.advance(Fixtures.start, by: index) }

            // Nothing drifted yet.
            let clean = try await store.recount(market: .usdm, repair: false)
            #expect(clean.count == 2 && clean.allSatisfy { !$0.drifted })

            // Two interior bars and the last one go, behind the store's back: the summary does not notice.
            try await Self.deleteByHand([at(3), at(4), at(9)], in: database)
            #expect(try await store.summaries(market: .usdm).first { $0.key == key }?.barCount == 10)

            let found = try await store.recount(market: .usdm, repair: false)
            let drift = try #require(found.first { $0.key == key })
            #expect(drift.drifted)
            #expect(drift.maintained == .init(bars: 10, first: at(0), last: at(9)))
            #expect(drift.counted == .init(bars: 7, first: at(0), last: at(8)))
            #expect(found.first { $0.key == other }?.drifted == false)
            // Without repair nothing changed.
            #expect(try await store.summaries(market: .usdm).first { $0.key == key }?.barCount == 10)

            let repaired = try await store.recount(market: .usdm, repair: true)
            #expect(repaired == found)
            let summary = try #require(try await store.summaries(market: .usdm).first { $0.key == key })
            #expect(summary.barCount == 7 && summary.firstOpenTime == at(0) && summary.lastOpenTime == at(8))
            #expect(summary.hasInteriorGaps)
            #expect(try await store.gaps(of: key) == [TimeRange(start: at(3), end: at(5))])
            #expect(try await store.recount(market: .usdm, repair: true).allSatisfy { !$0.drifted })

            // Later writes keep the repaired counts right.
            _ = try await store.write(Fixtures.write(key, bars: Fixtures.bars(10)))
            let restored = try #require(try await store.summaries(market: .usdm).first { $0.key == key })
            #expect(restored.barCount == 10 && restored.lastOpenTime == at(9))
            #expect(try await store.recount(market: .usdm, repair: false).allSatisfy { !$0.drifted })
        }
    }

    @Test(arguments: StoreBackend.all)
    func recountOfASeriesWhoseBarsWereAllDeletedClearsItsCoverage(backend: StoreBackend) async throws {
        try await backend.withStore { store, database in
            let key = Fixtures.key()
            let bars = Fixtures.bars(4)
            _ = try await store.write(Fixtures.write(key, bars: bars))
            try await Self.deleteByHand(bars.map(\.openTime), in: database)
            let drift = try #require(try await store.recount(market: .usdm, repair: true).first)
            #expect(drift.counted == .init(bars: 0, first: nil, last: nil))
            let summary = try #require(try await store.summaries(market: .usdm).first { $0.key == key })
            #expect(summary.barCount == 0 && summary.firstOpenTime == nil && summary.lastOpenTime == nil)
        }
    }
}
