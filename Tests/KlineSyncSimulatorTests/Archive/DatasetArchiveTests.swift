import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// Mark-price, index-price, premium-index and funding-rate files hold exactly what REST serves.
@Suite struct DatasetArchiveTests {
    static let files: [(Market, Dataset, ArchiveGranularity, String, String)] = [
        (.usdm, .markPrice, .monthly, "1h", "2024-02-01"), (.usdm, .indexPrice, .daily, "1m", "2024-03-14"),
        (.usdm, .premiumIndex, .monthly, "1h", "2024-02-01"), (.usdm, .markPrice, .daily, "1m", "2024-03-14"),
        (.coinm, .markPrice, .daily, "1m", "2024-03-14"), (.coinm, .indexPrice, .monthly, "1h", "2024-02-01"),
        (.coinm, .premiumIndex, .daily, "1d", "2024-03-01"), (.usdm, .indexPrice, .monthly, "1d", "2021-03-01"),
    ]

    @Test(arguments: files)
    func filesUnzipToTheRESTRowsOfTheirPeriod(
        market: Market, dataset: Dataset, granularity: ArchiveGranularity, interval: String, time: String
    ) async throws {
        let key = dataset.keyedByPair ? (market == .coinm ? "BTCUSD" : "BTCUSDT") : major(market)
        let file = ArchiveFileID(
            market: market, granularity: granularity, symbol: key, interval: Interval(name: interval)!,
            time: Timestamp.parse(time)!, dataset: dataset)
        #expect(file.path.contains("/\(dataset.endpoint)/\(key)/"))
        try await withSimulator(testConfiguration(market)) { _, client in
            let zip = try await client.archive(file)
            try #require(zip.status == 200, "\(file)")
            #expect(try await client.checksum(file).text == "\(zip.sha256)  \(file.zipName)\n")
            let csv = try zip.unzipped()
            #expect(csv.name == file.csvName)
            #expect(csv.header == (file.periodStart >= ArchiveLayout.futuresHeaderSince ? ArchiveLayout.header : nil))
            let rest = try await client.restBars(market, dataset, key: key, file.interval, file.period)
            #expect(!rest.isEmpty)
            #expect(csv.bars == rest)
        }
    }

    @Test func archiveFaultsApplyToDatasetFilesByTheirFolderName() async throws {
        var configuration = testConfiguration(.usdm)
        configuration.archiveFaults = [ArchiveFault(symbols: "BTCUSDT", kinds: [.hole])]
        try await withSimulator(configuration) { _, client in
            for dataset in [Dataset.markPrice, .indexPrice, .premiumIndex] {
                let file = archiveFile(.usdm, .daily, "1h", "2024-03-14").with(dataset)
                let csv = try await client.archive(file).unzipped()
                #expect(csv.bars.count == 21, "\(dataset)")
            }
            let healthy = archiveFile(.usdm, .daily, "1h", "2024-03-14", symbol: "ETHUSDT").with(.markPrice)
            let intact = try await client.archive(healthy).unzipped()
            #expect(intact.bars.count == 24)
            // Not yet published: the day of the fixed clock.
            let today = archiveFile(.usdm, .daily, "1h", "2024-03-15").with(.markPrice)
            let unpublished = try await client.archive(today)
            #expect(unpublished.status == 404)
        }
    }

    @Test(arguments: [Market.usdm, .coinm])
    func fundingFilesHoldTheMonthsRESTRows(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { sim, client in
            let change = try #require(sim.fundingIntervalChange)
            for symbol in [change.symbol, major(market)] {
                let month = TimeRange(start: Timestamp.parse("2024-02-01")!, end: Timestamp.parse("2024-03-01")!)
                let path =
                    "/data/\(ArchiveFileID.folder(of: market))/monthly/fundingRate/\(symbol)/"
                    + "\(symbol)-fundingRate-2024-02.zip"
                let file = try await client.get(path)
                try #require(file.status == 200)
                #expect(
                    try await client.get(path + ".CHECKSUM").text
                        == "\(file.sha256)  \(symbol)-fundingRate-2024-02.zip\n")
                let (name, text) = try file.csvText()
                #expect(name == "\(symbol)-fundingRate-2024-02.csv")
                var lines = text.split(separator: "\n").map(String.init)
                #expect(lines.removeFirst() == "calc_time,funding_interval_hours,last_funding_rate")
                let rest = try await client.funding(
                    market, "symbol=\(symbol)&startTime=\(month.start)&endTime=\(month.end - 1)&limit=1000"
                ).fundingRows()
                #expect(rest == sim.expectedFundingRates(symbol: symbol, range: month))
                #expect(lines.count == rest.count)
                for (line, row) in zip(lines, rest) {
                    let hours = sim.fundingIntervalHours(symbol: symbol, at: row.fundingTime)!
                    #expect(line == "\(row.fundingTime),\(hours),\(row.rate)")
                }
                let expectedRows = symbol == change.symbol ? 14 * 3 + 15 * 6 : 29 * 3
                #expect(rest.count == expectedRows, "\(symbol)")
            }
            // No file for a delivery contract, a daily period, or the running month.
            let quarterly = try #require(sim.universe.first { $0.contractType == "CURRENT_QUARTER" }).symbol
            let folder = "/data/\(ArchiveFileID.folder(of: market))"
            for path in [
                "\(folder)/monthly/fundingRate/\(quarterly)/\(quarterly)-fundingRate-2024-02.zip",
                "\(folder)/daily/fundingRate/\(major(market))/\(major(market))-fundingRate-2024-02-01.zip",
                "\(folder)/monthly/fundingRate/\(major(market))/\(major(market))-fundingRate-2024-03.zip",
            ] {
                #expect(try await client.get(path).status == 404, "\(path)")
            }
        }
    }
}

extension ArchiveFileID {
    /// The same file of another dataset.
    func with(_ dataset: Dataset) -> ArchiveFileID {
        ArchiveFileID(
            market: market, granularity: granularity, symbol: symbol, interval: interval, time: periodStart,
            dataset: dataset)
    }
}
