import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// The archive's files hold exactly what REST serves, in the real archive's layout.
@Suite struct ArchiveContentTests {
    static let files: [(Market, ArchiveGranularity, String, String)] = [
        (.spot, .monthly, "1h", "2024-02"), (.spot, .daily, "1m", "2024-03-14"),
        (.usdm, .monthly, "1h", "2024-02"), (.usdm, .daily, "1m", "2024-03-14"),
        (.coinm, .monthly, "1h", "2024-02"), (.coinm, .daily, "1m", "2024-03-14"),
        (.usdm, .monthly, "1m", "2024-01"), (.coinm, .daily, "1d", "2024-03-01"),
    ]

    @Test(arguments: files)
    func filesUnzipToTheRESTBarsOfTheirPeriod(
        market: Market, granularity: ArchiveGranularity, interval: String, period: String
    ) async throws {
        let file = archiveFile(market, granularity, interval, period + (granularity == .monthly ? "-01" : ""))
        try await withSimulator(testConfiguration(market)) { _, client in
            let zip = try await client.archive(file)
            #expect(zip.status == 200 && zip.header("content-type") == "application/zip")
            #expect(zip.header("content-length") == String(zip.body.count))
            let checksum = try await client.checksum(file)
            #expect(checksum.status == 200)
            #expect(checksum.text == "\(zip.sha256)  \(file.zipName)\n")
            let csv = try zip.unzipped()
            #expect(csv.name == file.csvName)
            let rest = try await client.restBars(market, file.symbol, file.interval, file.period)
            #expect(!rest.isEmpty)
            #expect(csv.bars.count == rest.count)
            #expect(csv.bars == rest)
            if interval == "1m" && granularity == .monthly { #expect(csv.bars.count == 44_640) }
        }
    }

    @Test func spotFilesFrom2025GiveMicroseconds() async throws {
        var configuration = testConfiguration(.spot)
        configuration.clock = .fixed(Timestamp.parse("2025-03-10T12:00:00Z")!)
        try await withSimulator(configuration) { _, client in
            for (granularity, interval, time, micros) in [
                (ArchiveGranularity.monthly, "1d", "2024-12-01", false), (.monthly, "1d", "2025-01-01", true),
                (.daily, "1h", "2024-12-31", false), (.daily, "1h", "2025-01-01", true),
                (.daily, "1m", "2025-03-09", true),
            ] {
                let file = archiveFile(.spot, granularity, interval, time)
                let csv = try await client.archive(file).unzipped()
                #expect(csv.microseconds == micros, "\(file)")
                #expect(csv.header == nil)
                #expect(try await csv.bars == client.restBars(.spot, file.symbol, file.interval, file.period))
            }
            let raw = try await client.archive(archiveFile(.spot, .daily, "1d", "2025-03-09"))
            let fields = try raw.csvText().text.split(separator: "\n")[0].split(separator: ",")
            #expect(fields[0] == "\(Timestamp.parse("2025-03-09")! * 1000)")
            #expect(fields[6] == "\(Timestamp.parse("2025-03-10")! * 1000 - 1)")
        }
    }

    @Test(arguments: [Market.usdm, .coinm])
    func futuresFilesHaveAHeaderRowFromMay2022(market: Market) async throws {
        var configuration = testConfiguration(market)
        configuration.clock = .fixed(Timestamp.parse("2022-06-10T00:00:00Z")!)
        try await withSimulator(configuration) { _, client in
            for (granularity, time, header) in [
                (ArchiveGranularity.monthly, "2022-04-01", false), (.monthly, "2022-05-01", true),
                (.daily, "2022-04-30", false), (.daily, "2022-05-01", true), (.daily, "2022-06-08", true),
            ] {
                let file = archiveFile(market, granularity, "4h", time)
                let csv = try await client.archive(file).unzipped()
                #expect(csv.header == (header ? ArchiveLayout.header : nil), "\(file)")
                #expect(!csv.microseconds)
                #expect(try await csv.bars == client.restBars(market, file.symbol, file.interval, file.period))
            }
        }
        #expect(
            ArchiveLayout.header
                == "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
                + "taker_buy_quote_volume,ignore")
    }

    @Test func spotFilesNeverHaveAHeaderRow() async throws {
        try await withSimulator(testConfiguration(.spot)) { _, client in
            let csv = try await client.archive(archiveFile(.spot, .monthly, "1d", "2023-06-01")).unzipped()
            #expect(csv.header == nil && csv.bars.count == 30)
        }
    }

    @Test func monthlyCandlesAreSpelled1moInPaths() async throws {
        try await withSimulator(testConfiguration()) { _, client in
            let file = archiveFile(.usdm, .monthly, "1M", "2024-01-01")
            #expect(file.path == "/data/futures/um/monthly/klines/BTCUSDT/1mo/BTCUSDT-1mo-2024-01.zip")
            let csv = try await client.archive(file).unzipped()
            #expect(csv.name == "BTCUSDT-1mo-2024-01.csv")
            #expect(csv.bars.count == 1)
            #expect(try await csv.bars == client.restBars(.usdm, "BTCUSDT", file.interval, file.period))
            #expect(
                try await client.get("/data/futures/um/monthly/klines/BTCUSDT/1M/BTCUSDT-1M-2024-01.zip").status == 404)
            #expect(try await client.checksum(file).status == 200)
        }
    }

    @Test func dailyFilesExistOnlyUpTo1d() async throws {
        try await withSimulator(testConfiguration()) { _, client in
            #expect(try await client.archive(archiveFile(.usdm, .daily, "1d", "2024-03-01")).status == 200)
            for interval in ["3d", "1w"] {
                let daily = "/data/futures/um/daily/klines/BTCUSDT/\(interval)/BTCUSDT-\(interval)-2024-03-04.zip"
                #expect(try await client.get(daily).status == 404, "\(interval)")
                #expect(try await client.get(daily + ".CHECKSUM").status == 404)
                let monthly = archiveFile(.usdm, .monthly, interval, "2024-01-01")
                let csv = try await client.archive(monthly).unzipped()
                // The bars opening in January, the last ones running into February.
                #expect(try await csv.bars == client.restBars(.usdm, "BTCUSDT", monthly.interval, monthly.period))
            }
            #expect(
                try await client.get("/data/futures/um/daily/klines/BTCUSDT/1mo/BTCUSDT-1mo-2024-03-01.zip").status
                    == 404)
        }
    }

    @Test(arguments: [
        "/data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip",
        "/data/futures/cm/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip",
        // Issue 15 made `markPriceKlines` a served dataset on futures; these datasets are still outside the layout.
        "/data/futures/um/monthly/aggTrades/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip",
        "/data/spot/monthly/markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip",
        "/data/futures/um/daily/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2024-01-01.zip",
        "/data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2024-1.zip",
        "/data/futures/um/monthly/klines/NOPEUSDT/1h/NOPEUSDT-1h-2024-01.zip",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/ETHUSDT-1h-2024-01.zip",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-4h-2024-01.zip",
        "/data/futures/um/monthly/klines/BTCUSDT/1s/BTCUSDT-1s-2024-01.zip",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-1.zip",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-13.zip",
        "/data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-02-30.zip",
        "/data/futures/um/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.csv",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/",
    ])
    func pathsOutsideTheMarketsLayoutAnswer404(path: String) async throws {
        try await withSimulator(testConfiguration()) { _, client in
            let answer = try await client.get(path)
            #expect(answer.status == 404)
            #expect(answer.text.contains("<Code>NoSuchKey</Code>"))
            let good = try await client.get("/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip")
            #expect(good.status == 200)
        }
    }

    @Test func filesFollowListingsDelistingsAndOutages() async throws {
        var configuration = testConfiguration(symbols: 40)
        let outage = TimeRange(start: Timestamp.parse("2024-02-10")!, end: Timestamp.parse("2024-02-11")!)
        configuration.outages = [Outage(symbols: "BTCUSDT", range: outage)]
        try await withSimulator(configuration) { sim, client in
            // BTCUSDT's first trade is 2019-09-08T17:57Z.
            #expect(try await client.archive(archiveFile(.usdm, .monthly, "1h", "2019-08-01")).status == 404)
            #expect(try await client.archive(archiveFile(.usdm, .daily, "1h", "2019-09-07")).status == 404)
            let first = archiveFile(.usdm, .daily, "1m", "2019-09-08")
            let bars = try await client.archive(first).unzipped().bars
            #expect(bars.first?.openTime == Timestamp.parse("2019-09-08T17:57:00Z"))
            #expect(try await bars == client.restBars(.usdm, "BTCUSDT", first.interval, first.period))
            // A day wholly in an outage has no daily file; the month's file lacks that day's bars, as REST does.
            #expect(try await client.archive(archiveFile(.usdm, .daily, "1h", "2024-02-10")).status == 404)
            let month = archiveFile(.usdm, .monthly, "1h", "2024-02-01")
            let february = try await client.archive(month).unzipped().bars
            #expect(february.count == 29 * 24 - 24)
            #expect(try await february == client.restBars(.usdm, "BTCUSDT", month.interval, month.period))

            let delisted = try #require(
                sim.universe.first { $0.delistingTime != nil && $0.contractType == "PERPETUAL" })
            let end = try #require(delisted.delistingTime)
            let last = ArchiveFileID(
                market: .usdm, granularity: .daily, symbol: delisted.symbol, interval: Interval(name: "1h")!,
                time: end - 1)
            let lastBars = try await client.archive(last).unzipped().bars
            #expect(try await lastBars == client.restBars(.usdm, delisted.symbol, last.interval, last.period))
            #expect(lastBars.last.map { $0.openTime < end } ?? false)
            var after = last
            after.periodStart += 86_400_000
            #expect(try await client.archive(after).status == 404)
        }
    }
}
