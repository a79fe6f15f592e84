import Foundation
import KlineSyncCore
import Testing

/// `StatusReport` over a real store: coverage, gaps, digests and rendering.
@Suite struct StatusReportTests {
    @Test(arguments: StoreBackend.all)
    func emptyDatabasePrintsTheHeaderAndNoSeries(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let statuses = try await StatusReport.build(store: store, market: .usdm)
            #expect(statuses.isEmpty)
            let text = StatusReport.renderText(statuses)
            #expect(text == "SYMBOL  INTERVAL  FIRST  LAST  BARS  GAPS  MISSING  FLOOR  DIGEST\nno series stored\n")
            let json = try StatusReport.renderJSON(statuses, market: .usdm, database: store.displayName)
            let document = try JSONDecoder().decode(StatusDocument.self, from: Data(json.utf8))
            #expect(document.formatVersion == "1")
            #expect(document.series.isEmpty)
            #expect(document.datasetDigest == DigestBuilder.datasetDigest([]))
        }
    }

    @Test(arguments: StoreBackend.all)
    func statusCountsGapsAndCarriesDigests(backend: StoreBackend) async throws {
        try await backend.withStore { store, _ in
            let btc = Fixtures.key("BTCUSDT")
            let eth = Fixtures.key("ETHUSDT", Fixtures.month)
            _ = try await store.write(
                Fixtures.write(
                    btc,
                    SeriesWrite(key: btc, bars: Fixtures.bars(24, missing: [3, 4, 9]), listingFloor: Fixtures.start)))
            _ = try await store.write(Fixtures.write(eth, bars: Fixtures.bars(6, Fixtures.month)))

            let statuses = try await StatusReport.build(store: store, market: .usdm)
            #expect(statuses.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
            let hourly = statuses[0]
            #expect(hourly.bars == 21)
            #expect(hourly.gaps == 2)
            #expect(hourly.missingBars == 3)
            #expect(hourly.first == "2024-01-01T00:00:00Z")
            #expect(hourly.last == "2024-01-01T23:00:00Z")
            #expect(hourly.listingFloor == Fixtures.start)
            #expect(hourly.digest == (try await store.digest(of: btc)))
            #expect(statuses[1].gaps == 0)
            #expect(statuses[1].last == "2024-06-01T00:00:00Z")

            let digest = StatusReport.datasetDigest(statuses)
            #expect(digest == DigestBuilder.datasetDigest(statuses.map { ($0.key, $0.digest) }))

            let text = StatusReport.renderText(statuses)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[0].hasPrefix("SYMBOL   INTERVAL  FIRST"))
            #expect(lines[1].hasPrefix("BTCUSDT  1h        2024-01-01  2024-01-01 23:00"))
            #expect(text.contains("2 series, 27 bars, 1 with gaps; dataset digest \(digest)"))

            let json = try StatusReport.renderJSON(statuses, market: .usdm, database: store.displayName)
            #expect(json.contains(#""format_version" : "1""#))
            #expect(json.contains(#""first_open_time" : null"#) == false)
            let document = try JSONDecoder().decode(StatusDocument.self, from: Data(json.utf8))
            #expect(document.series == statuses)
            #expect(document.datasetDigest == digest)
        }
    }

    @Test func seriesWithoutBarsEncodesNullTimes() throws {
        let status = SeriesStatus(
            key: Fixtures.key(), firstOpenTime: nil, lastOpenTime: nil, bars: 0, gaps: 0, missingBars: 0,
            listingFloor: nil, digest: DigestBuilder().finish())
        let json = try StatusReport.renderJSON([status], market: .usdm, database: "sqlite:/tmp/x")
        #expect(json.contains(#""first" : null"#))
        #expect(json.contains(#""listing_floor" : null"#))
        #expect(StatusReport.renderText([status]).contains("BTCUSDT  1h        -      -        0"))
    }
}
