import Foundation
import Testing

@testable import KlineSyncCore

/// The disk spool of long fetches: exact round trip, batches, an unlinked file, clear errors.
struct BarSpoolTests {
    func bar(_ i: Int) -> Bar {
        Bar(
            openTime: Int64(i) * 60_000, open: "\(i).10", high: "\(i).2000000000", low: "0.000000\(i)",
            close: i % 7 == 0 ? "" : "\(i)", volume: String(repeating: "9", count: i % 300),
            closeTime: Int64(i) * 60_000 + 59_999, quoteVolume: "12345678901234567890.123456789",
            trades: Int64(i) << 33,
            takerBuyBaseVolume: "0", takerBuyQuoteVolume: "-\(i).5")
    }

    @Test func roundTripsExactlyInBatches() throws {
        let spool = try BarSpool()
        let bars = (0..<10_000).map(bar)
        for start in stride(from: 0, to: bars.count, by: 499) {
            try spool.append(bars[start..<min(start + 499, bars.count)])
        }
        #expect(spool.count == 10_000)
        for batchSize in [1, 1000, 4096, 50_000] {
            var reader = spool.makeReader(batchSize: batchSize)
            var back: [Bar] = []
            var batches = 0
            while let batch = try reader.next() {
                #expect(batch.count <= batchSize)
                back += batch
                batches += 1
            }
            #expect(back == bars)
            #expect(batches == (bars.count + batchSize - 1) / batchSize)
        }
    }

    @Test func leavesNoFileBehind() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try BarSpool(directory: folder.path)
        try spool.append([bar(1), bar(2)])
        // The file is unlinked at once: nothing to clean up after a crash.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        var reader = spool.makeReader()
        #expect(try reader.next() == [bar(1), bar(2)])
        #expect(try reader.next() == nil)
    }

    @Test func missingFolderIsAClearError() {
        #expect {
            _ = try BarSpool(directory: "/nonexistent/klinesync-spool")
        } throws: { error in
            "\(error)".contains("/nonexistent/klinesync-spool") && "\(error)".contains("TMPDIR")
        }
    }

    @Test func seriesWriteHandsOverSpooledThenMemoryBars() throws {
        let spool = try BarSpool()
        try spool.append((0..<5000).map(bar))
        var write = SeriesWrite(
            key: SeriesKey(market: .usdm, symbol: "X", interval: Interval(name: "1m")!), bars: (5000..<5100).map(bar))
        write.spooled = spool
        #expect(write.barCount == 5100)
        var batches = write.barBatches(batchSize: 2048)
        var sizes: [Int] = []
        var all: [Bar] = []
        while let batch = try batches.next() {
            sizes.append(batch.count)
            all += batch
        }
        #expect(sizes == [2048, 2048, 904, 100])
        #expect(all == (0..<5100).map(bar))
    }
}
