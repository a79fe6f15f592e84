import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// When archive files appear, what they cost, and how they are cached.
@Suite struct ArchiveServingTests {
    /// At 2024-03-15T12:34Z: today's and this month's files are not out; yesterday's (06:00 today) and February's
    /// (since March 3rd) are.
    @Test func filesAppearOnlyAfterTheirPeriodAndTheLag() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            let today = archiveFile(.usdm, .daily, "1m", "2024-03-15")
            let yesterday = archiveFile(.usdm, .daily, "1m", "2024-03-14")
            let thisMonth = archiveFile(.usdm, .monthly, "1h", "2024-03-01")
            let lastMonth = archiveFile(.usdm, .monthly, "1h", "2024-02-01")
            #expect(try await client.archive(today).status == 404)
            #expect(try await client.checksum(today).status == 404)
            #expect(try await client.archive(thisMonth).status == 404)
            #expect(try await client.archive(yesterday).status == 200)
            #expect(try await client.archive(lastMonth).status == 200)

            sim.setNow(Timestamp.parse("2024-03-15T05:59:59.999Z")!)
            #expect(try await client.archive(yesterday).status == 404)
            sim.setNow(Timestamp.parse("2024-03-15T06:00:00Z")!)
            #expect(try await client.archive(yesterday).status == 200)

            sim.setNow(Timestamp.parse("2024-03-02T23:59:59Z")!)
            #expect(try await client.archive(lastMonth).status == 404)
            sim.setNow(Timestamp.parse("2024-03-03T00:00:00Z")!)
            #expect(try await client.checksum(lastMonth).status == 200)

            // February's weekly file ends with the week of Monday 26th, closed on March 4th: out on the 6th.
            let weeks = archiveFile(.usdm, .monthly, "1w", "2024-02-01")
            #expect(ArchivePublication.standard.publishedAt(weeks) == Timestamp.parse("2024-03-06")!)
            sim.setNow(Timestamp.parse("2024-03-05T23:59:59Z")!)
            #expect(try await client.archive(weeks).status == 404)
            sim.setNow(Timestamp.parse("2024-03-06T00:00:00Z")!)
            let bars = try await client.archive(weeks).unzipped().bars
            #expect(bars.last?.openTime == Timestamp.parse("2024-02-26")!)
        }
    }

    @Test func lagsAreConfigurable() async throws {
        var configuration = testConfiguration()
        configuration.archivePublication = ArchivePublication(monthlyLagMillis: 0, dailyLagMillis: 13 * 3_600_000)
        try await withSimulator(configuration) { sim, client in
            let yesterday = try await client.archive(archiveFile(.usdm, .daily, "1m", "2024-03-14"))
            #expect(yesterday.status == 404)
            sim.setNow(Timestamp.parse("2024-03-15T13:00:00Z")!)
            #expect(try await client.archive(archiveFile(.usdm, .daily, "1m", "2024-03-14")).status == 200)
            sim.setNow(Timestamp.parse("2024-03-01T00:00:00Z")!)
            #expect(try await client.archive(archiveFile(.usdm, .monthly, "1h", "2024-02-01")).status == 200)
        }
        #expect(ArchivePublication.parseLag("6h") == 21_600_000 && ArchivePublication.parseLag("0s") == 0)
        #expect(ArchivePublication.parseLag("soon") == nil)
    }

    /// Archive requests cost no weight: with a limit REST exhausts at once, files are still served, and neither
    /// the weight header nor the REST counters move.
    @Test func archiveRequestsCostNoWeightAndAreNotRateLimited() async throws {
        try await withSimulator(testConfiguration(weightLimit: 3)) { sim, client in
            let file = archiveFile(.usdm, .daily, "1h", "2024-03-10")
            for _ in 0..<5 { #expect(try await client.archive(file).status == 200) }
            #expect(sim.usedWeight == 0 && sim.counters.requests == 0)
            _ = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=1500")
            #expect(try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=1500").status == 429)
            let zip = try await client.archive(file)
            #expect(zip.status == 200 && zip.header("x-mbx-used-weight-1m") == nil)
            #expect(try await client.checksum(file).status == 200)
            #expect(sim.counters.requests == 2)
            #expect(sim.archiveCounters.requests == 7 && sim.archiveCounters.zipsServed == 6)
        }
    }

    @Test func repeatedRequestsComeFromTheCache() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            let file = archiveFile(.usdm, .monthly, "5m", "2024-02-01")
            let first = try await client.archive(file)
            let checksum = try await client.checksum(file)
            let second = try await client.archive(file)
            #expect(first.body == second.body && checksum.text.hasPrefix(first.sha256))
            #expect(sim.archiveCounters.filesGenerated == 1)
            #expect(sim.archiveCounters.zipBytesServed == 2 * first.body.count)
            #expect(sim.archiveCounters.rowsServed == 2 * 29 * 288)
        }
    }

    /// Without room for zips, only digests are kept: a `.CHECKSUM` is answered from memory, a zip is regenerated
    /// byte for byte.
    @Test func evictedFilesAreRegeneratedIdentically() async throws {
        var configuration = testConfiguration()
        configuration.archiveCacheBytes = 0
        try await withSimulator(configuration) { sim, client in
            let file = archiveFile(.usdm, .daily, "1m", "2024-03-01")
            let first = try await client.archive(file)
            let checksum = try await client.checksum(file)
            let second = try await client.archive(file)
            #expect(first.body == second.body && checksum.text.hasPrefix(first.sha256))
            #expect(sim.archiveCounters.filesGenerated == 2)
        }
    }

    /// Concurrent requests for one file share one generation.
    @Test func concurrentRequestsShareOneGeneration() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            let file = archiveFile(.usdm, .monthly, "1m", "2024-02-01")
            let answers = try await withThrowingTaskGroup(of: HTTPAnswer.self) { group in
                for i in 0..<6 {
                    group.addTask { try await i % 2 == 0 ? client.archive(file) : client.checksum(file) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 })
            let zips = answers.filter { $0.header("content-type") == "application/zip" }
            #expect(zips.count == 3 && Set(zips.map(\.body)).count == 1)
            #expect(sim.archiveCounters.filesGenerated == 1)
        }
    }

    /// Two simulators with the same configuration serve the same bytes.
    @Test func filesAreDeterministic() async throws {
        let file = archiveFile(.coinm, .daily, "15m", "2024-03-02")
        let a = try await withSimulator(testConfiguration(.coinm)) { _, client in try await client.archive(file) }
        let b = try await withSimulator(testConfiguration(.coinm)) { _, client in try await client.archive(file) }
        #expect(a.status == 200 && a.body == b.body)
    }

    /// A cache directory carries files across simulators: the second run reads what the first built, and a run
    /// whose data differ (another seed) builds its own.
    @Test func aCacheDirectoryServesLaterSimulators() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("archive-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = testConfiguration()
        configuration.archiveCacheDirectory = directory
        let file = archiveFile(.usdm, .daily, "5m", "2024-03-03")
        let (first, built) = try await withSimulator(configuration) { sim, client in
            (try await client.archive(file), sim.archiveCounters)
        }
        let (second, read) = try await withSimulator(configuration) { sim, client in
            (try await client.archive(file), sim.archiveCounters)
        }
        #expect(built.filesGenerated == 1 && built.filesFromDisk == 0)
        #expect(read.filesGenerated == 0 && read.filesFromDisk == 1 && read.rowsServed == 288)
        #expect(first.status == 200 && first.body == second.body)
        configuration.seed = 7
        let other = try await withSimulator(configuration) { sim, client in
            (try await client.archive(file), sim.archiveCounters)
        }
        #expect(other.1.filesGenerated == 1 && other.0.body != first.body)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.count == 2 && names.allSatisfy { $0.hasSuffix(".zip") })
    }
}
