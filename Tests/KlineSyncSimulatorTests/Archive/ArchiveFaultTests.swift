import Crypto
import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Each archive fault kind does what it says, for the files of matching symbols only.
@Suite struct ArchiveFaultTests {
    /// A simulator with `kinds` for `BTC*`; BTCUSDT is faulty, ETHUSDT is not.
    func withFaults(
        _ kinds: Set<ArchiveFault.Kind>, _ body: (RunningSimulator, SimClient) async throws -> Void
    ) async throws {
        var configuration = testConfiguration()
        configuration.archiveFaults = [ArchiveFault(symbols: "BTC*", kinds: kinds)]
        try await withSimulator(configuration, body)
    }

    let faulty = archiveFile(.usdm, .daily, "1h", "2024-03-10", symbol: "BTCUSDT")
    let intact = archiveFile(.usdm, .daily, "1h", "2024-03-10", symbol: "ETHUSDT")
    let faultyMonth = archiveFile(.usdm, .monthly, "1M", "2024-01-01", symbol: "BTCUSDT")

    /// The intact file's zip and CHECKSUM agree and hold REST's bars.
    func expectIntact(_ file: ArchiveFileID, _ client: SimClient) async throws {
        let zip = try await client.archive(file)
        #expect(try await client.checksum(file).text == "\(zip.sha256)  \(file.zipName)\n")
        #expect(try await zip.unzipped().bars == client.restBars(.usdm, file.symbol, file.interval, file.period))
    }

    @Test func badChecksumNamesAnotherDigestEveryTime() async throws {
        try await withFaults([.badChecksum]) { sim, client in
            let zip = try await client.archive(faulty)
            for _ in 0..<2 {
                let checksum = try await client.checksum(faulty)
                #expect(checksum.status == 200 && checksum.text.hasSuffix("  \(faulty.zipName)\n"))
                #expect(checksum.text.count == 64 + 2 + faulty.zipName.count + 1)
                #expect(!checksum.text.hasPrefix(zip.sha256))
            }
            #expect(try await zip.unzipped().bars.count == 24)
            try await expectIntact(intact, client)
            #expect(sim.archiveCounters.faultsInjected == 2)
        }
    }

    @Test func noChecksumAnswers404ForTheSidecarOnly() async throws {
        try await withFaults([.noChecksum]) { _, client in
            #expect(try await client.checksum(faulty).status == 404)
            #expect(try await client.checksum(faultyMonth).status == 404)
            #expect(try await client.archive(faulty).unzipped().bars.count == 24)
            try await expectIntact(intact, client)
        }
    }

    @Test func missingFilesAnswer404WithTheirSidecars() async throws {
        try await withFaults([.missing]) { _, client in
            for file in [faulty, faultyMonth] {
                #expect(try await client.archive(file).status == 404)
                #expect(try await client.checksum(file).status == 404)
            }
            try await expectIntact(intact, client)
        }
    }

    @Test func truncatedZipsPassTheirChecksumButDoNotUnzip() async throws {
        let whole = try await withSimulator(testConfiguration()) { _, client in try await client.archive(faulty) }
        try await withFaults([.truncated]) { _, client in
            let zip = try await client.archive(faulty)
            #expect(zip.status == 200)
            #expect(zip.body == Array(whole.body.prefix(whole.body.count / 2)))
            #expect(try await client.checksum(faulty).text == "\(zip.sha256)  \(faulty.zipName)\n")
            #expect(throws: (any Error).self) { _ = try zip.unzipped() }
            try await expectIntact(intact, client)
        }
    }

    @Test func holesLeaveOutTheFirstThreeRows() async throws {
        try await withFaults([.hole]) { _, client in
            let zip = try await client.archive(faulty)
            #expect(try await client.checksum(faulty).text == "\(zip.sha256)  \(faulty.zipName)\n")
            let rest = try await client.restBars(.usdm, "BTCUSDT", faulty.interval, faulty.period)
            #expect(try zip.unzipped().bars == Array(rest.dropFirst(ArchiveFault.holeRows)))
            // A file of one row keeps none (the header only, on futures).
            let month = try await client.archive(faultyMonth).unzipped()
            #expect(month.bars.isEmpty && month.header == ArchiveLayout.header)
            try await expectIntact(intact, client)
        }
    }

    @Test func corruptOnceSpoilsOnlyTheFirstDownloadOfEachZip() async throws {
        try await withFaults([.corruptOnce]) { _, client in
            let checksum = try await client.checksum(faulty).text
            let first = try await client.archive(faulty)
            let second = try await client.archive(faulty)
            let third = try await client.archive(faulty)
            #expect(!checksum.hasPrefix(first.sha256) && first.body.count == second.body.count)
            #expect(checksum.hasPrefix(second.sha256) && second.body == third.body)
            #expect(try second.unzipped().bars.count == 24)
            try await expectIntact(intact, client)
        }
    }

    @Test func faultsCanBeReplacedWhileRunning() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            try await expectIntact(faulty, client)
            sim.setArchiveFaults([ArchiveFault(symbols: "*USDT", kinds: [.missing])])
            #expect(try await client.archive(faulty).status == 404)
            #expect(try await client.archive(intact).status == 404)
            sim.setArchiveFaults([])
            try await expectIntact(faulty, client)
        }
    }

    @Test func kindsCombine() async throws {
        try await withFaults([.hole, .badChecksum]) { _, client in
            let zip = try await client.archive(faulty)
            #expect(!(try await client.checksum(faulty).text.hasPrefix(zip.sha256)))
            #expect(try zip.unzipped().bars.count == 21)
        }
    }
}
