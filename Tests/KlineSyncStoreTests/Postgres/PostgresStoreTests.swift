import Foundation
import KlineSyncCore
import KlineSyncPostgres
import KlineSyncSQLite
import Testing

/// What only the PostgreSQL store does: connection errors, redaction, advisory symbol locks, several agents.
///
/// Tests that need a server run when `KLINESYNC_TEST_POSTGRES_URL` is set; the others always run.
@Suite struct PostgresStoreTests {
    static var hasServer: Bool { PostgresTestDatabase.serverURL != nil }

    @Test func connectionRefusedNamesTheRedactedURL() async throws {
        let port = try Self.closedPort()
        let error = await #expect(throws: PostgresStoreError.self) {
            _ = try await PostgresStore(url: "postgres://u:secret-pw@127.0.0.1:\(port)/k")
        }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text == "cannot connect to postgres://u:***@127.0.0.1:\(port)/k: connection refused")
    }

    @Test(arguments: [
        ("mysql://u:pw@h/db", "expected postgres://"),
        ("postgres://u:pw@h", "no database name"),
        ("postgres://u:pw@h/db?schema=Bad-Name", "schema 'Bad-Name'"),
        ("postgres://u:pw@h/db?sslmode=maybe", "sslmode 'maybe'"),
        ("postgres://u:pw@h/db?colour=blue", "unknown option 'colour'"),
    ])
    func invalidURLsAreRefusedWithoutThePassword(url: String, reason: String) async throws {
        let error = await #expect(throws: PostgresStoreError.self) { _ = try await PostgresStore(url: url) }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.contains(reason))
        #expect(!text.contains("pw@"))
    }

    @Test(.enabled(if: hasServer))
    func wrongPasswordIsAClearErrorWithoutThePassword() async throws {
        let server = try PostgresURL(PostgresTestDatabase.serverURL!)
        let url =
            "postgres://\(server.username):not-the-password@\(server.host):\(server.port)/\(server.database)"
            + "?sslmode=disable"
        let error = await #expect(throws: PostgresStoreError.self) { _ = try await PostgresStore(url: url) }
        let text = "\(error.map { "\($0)" } ?? "")"
        #expect(text.hasPrefix("cannot connect to postgres://\(server.username):***@"))
        #expect(text.contains("password authentication failed"))
        #expect(!text.contains("not-the-password"))
    }

    @Test(.enabled(if: hasServer))
    func readOnlyOpenOfAnEmptySchemaIsMissingAndCreatesNothing() async throws {
        let database = try PostgresTestDatabase()
        let error = await #expect(throws: PostgresStoreError.self) {
            _ = try await PostgresStore(url: database.url, createIfMissing: false)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("run `klinesync apply` first"))
        let store = try await PostgresStore(url: database.url)
        let lineage = try await store.lineageID()
        try await store.close()
        let reader = try await PostgresStore(url: database.url, createIfMissing: false)
        #expect(try await reader.lineageID() == lineage)
        await #expect(throws: PostgresStoreError.self) {
            _ = try await reader.write(Fixtures.write(Fixtures.key(), bars: Fixtures.bars(1)))
        }
        try await reader.close()
        try await database.destroy()
    }

    @Test(.enabled(if: hasServer))
    func symbolLocksExcludeOtherAgentsUntilUnlockOrClose() async throws {
        let database = try PostgresTestDatabase()
        let first = try await PostgresStore(url: database.url)
        let second = try await PostgresStore(url: database.url)
        #expect(try await first.tryLockSymbol(.usdm, "BTCUSDT"))
        #expect(try await second.tryLockSymbol(.usdm, "BTCUSDT") == false)
        #expect(try await first.tryLockSymbol(.usdm, "BTCUSDT") == false, "a store does not take a lock twice")
        #expect(try await second.tryLockSymbol(.usdm, "ETHUSDT"))
        #expect(try await second.tryLockSymbol(.spot, "BTCUSDT"), "locks are per market")

        try await first.unlockSymbol(.usdm, "BTCUSDT")
        #expect(try await second.tryLockSymbol(.usdm, "BTCUSDT"))
        #expect(try await first.tryLockSymbol(.usdm, "ETHUSDT") == false)

        try await second.close()
        #expect(try await first.tryLockSymbol(.usdm, "BTCUSDT"), "closing a store releases its locks")
        #expect(try await first.tryLockSymbol(.usdm, "ETHUSDT"))
        try await first.unlockSymbol(.usdm, "XRPUSDT")  // not held: nothing happens
        try await first.close()
        await #expect(throws: PostgresStoreError.self) { _ = try await first.tryLockSymbol(.usdm, "BTCUSDT") }
        try await database.destroy()
    }

    @Test(.enabled(if: hasServer))
    func locksOfOtherDatasetsDoNotContend() async throws {
        let one = try PostgresTestDatabase()
        let other = try PostgresTestDatabase()
        let first = try await PostgresStore(url: one.url)
        let second = try await PostgresStore(url: other.url)
        #expect(try await first.tryLockSymbol(.usdm, "BTCUSDT"))
        #expect(try await second.tryLockSymbol(.usdm, "BTCUSDT"))
        try await first.close()
        try await second.close()
        try await one.destroy()
        try await other.destroy()
    }

    @Test(.enabled(if: hasServer))
    func agentsStartingTogetherMigrateOnceAndWriteDifferentSymbolsConcurrently() async throws {
        let database = try PostgresTestDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore(url: database.url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var lineages: Set<String> = []
        for store in stores { lineages.insert(try await store.lineageID()) }
        #expect(lineages.count == 1)

        let symbols = (0..<24).map { "SYM\($0)USDT" }
        let counts = try await withThrowingTaskGroup(of: WriteCounts.self) { group in
            for (index, symbol) in symbols.enumerated() {
                let store = stores[index % stores.count]
                group.addTask {
                    let key = Fixtures.key(symbol)
                    let write = SymbolWrite(
                        market: .usdm, symbol: symbol, instrument: Fixtures.instrument(symbol),
                        series: [
                            SeriesWrite(key: key, bars: Fixtures.bars(500), listingFloor: Fixtures.start),
                            SeriesWrite(
                                key: Fixtures.key(symbol, Fixtures.week), bars: Fixtures.bars(20, Fixtures.week)),
                        ])
                    return try await store.write(write).total
                }
            }
            return try await group.reduce(WriteCounts(), +)
        }
        #expect(counts == WriteCounts(inserted: 24 * 520))
        let summaries = try await stores[0].summaries(market: .usdm)
        #expect(summaries.count == 48)
        #expect(summaries.map(\.barCount).reduce(0, +) == 24 * 520)
        #expect(try await stores[1].instruments(market: .usdm).count == 24)
        for store in stores { try await store.close() }
        try await database.destroy()
    }

    @Test(.enabled(if: hasServer))
    func concurrentWritesOfTheSameSymbolNeitherDuplicateNorLoseBars() async throws {
        let database = try PostgresTestDatabase()
        let first = try await PostgresStore(url: database.url)
        let second = try await PostgresStore(url: database.url)
        let key = Fixtures.key()
        let bars = Fixtures.bars(3000)
        async let a = first.write(Fixtures.write(key, bars: bars))
        async let b = second.write(Fixtures.write(key, bars: bars))
        let total = try await a.total + b.total
        #expect(total == WriteCounts(inserted: 3000, unchanged: 3000))
        #expect(try await first.summaries(market: .usdm).first?.barCount == 3000)
        #expect(try await second.bars(of: key, in: nil) == bars)
        try await first.close()
        try await second.close()
        try await database.destroy()
    }

    @Test(.enabled(if: hasServer))
    func sqliteAndPostgresGiveTheSameDigests() async throws {
        let key = Fixtures.key()
        var bars = Fixtures.bars(300, missing: [7, 8])
        bars[5].close = "00.10"
        bars[6].volume = "1.50000000"
        bars[9].open = "-0"
        let write = Fixtures.write(key, bars: bars)
        let sqlite = try await StoreBackend.sqlite.withStore { store, _ in
            _ = try await store.write(write)
            return try await StatusReport.build(store: store, market: .usdm)
        }
        let postgres = try await StoreBackend.postgres.withStore { store, _ in
            _ = try await store.write(write)
            return try await StatusReport.build(store: store, market: .usdm)
        }
        #expect(sqlite == postgres)
        #expect(!sqlite.isEmpty)
    }

    /// A loopback port with nothing listening on it.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
