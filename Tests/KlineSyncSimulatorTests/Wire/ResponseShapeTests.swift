import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct ResponseShapeTests {
    @Test(arguments: [Market.spot, .usdm, .coinm])
    func klinesRowsHaveTheRecordedJSONTypes(market: Market) async throws {
        let recorded = try #require(try fixture("nautilus_spot_klines_BTCUSDT_1m_2021-10-22.json") as? [[Any]])
        let expectedKinds = recorded[0].map(jsonKind)
        #expect(
            expectedKinds == ["integer"] + Array(repeating: "string", count: 5) + ["integer", "string", "integer"]
                + Array(repeating: "string", count: 3))
        try await withSimulator(testConfiguration(market)) { sim, client in
            let symbol = sim.universe[0].symbol
            let answer = try await client.klines(market, "symbol=\(symbol)&interval=1m&limit=20")
            #expect(answer.status == 200)
            #expect(answer.header("content-type")?.hasPrefix("application/json") == true)
            let rows = try answer.rows()
            #expect(rows.count == 20)
            for row in rows {
                #expect(row.map(jsonKind) == expectedKinds)
                #expect(row[11] as? String == "0")
                for index in [1, 2, 3, 4, 5, 7, 9, 10] {
                    #expect(DecimalText.isValid(try #require(row[index] as? String)))
                }
            }
        }
    }

    @Test func spotDecimalsArePaddedLikeTheRecording() async throws {
        let recorded = try #require(try fixture("nautilus_spot_klines_BTCUSDT_1m_2021-10-22.json") as? [[Any]])
        func places(_ value: Any) -> Int { (value as! String).split(separator: ".").last!.count }
        try await withSimulator(testConfiguration(.spot)) { _, client in
            let rows = try await client.klines(.spot, "symbol=BTCUSDT&interval=1h&limit=3").rows()
            for index in [1, 2, 3, 4, 5, 7, 9, 10] {
                #expect(places(rows[0][index]) == places(recorded[0][index]))
            }
        }
    }

    @Test func futuresExchangeInfoHasTheRecordedKeysAndTypes() async throws {
        let recorded = try #require(try fixture("nautilus_fapi_exchangeInfo_2022-02-19.json") as? [String: Any])
        try await withSimulator(testConfiguration(.usdm)) { _, client in
            let answer = try await client.get("/fapi/v1/exchangeInfo")
            #expect(answer.status == 200)
            let info = try #require(try answer.json() as? [String: Any])
            try expectSameShape(info, recorded, ignoring: [])
            let limits = try #require(info["rateLimits"] as? [[String: Any]])
            #expect(
                limits.contains {
                    $0["rateLimitType"] as? String == "REQUEST_WEIGHT" && $0["limit"] as? Int == 1_000_000
                })
            let symbols = try #require(info["symbols"] as? [[String: Any]])
            let recordedSymbol = try #require((recorded["symbols"] as? [[String: Any]])?.first)
            for symbol in symbols {
                try expectSameShape(symbol, recordedSymbol, ignoring: ["filters"])
            }
            #expect(symbols.contains { $0["contractType"] as? String == "CURRENT_QUARTER" })
        }
    }

    @Test func spotExchangeInfoHasTheRecordedKeysAndTypes() async throws {
        let recorded = try #require(try fixture("nautilus_spot_exchangeInfo_2021-10-22.json") as? [String: Any])
        try await withSimulator(testConfiguration(.spot, weightLimit: nil)) { _, client in
            let answer = try await client.get("/api/v3/exchangeInfo")
            #expect(answer.header("x-mbx-used-weight-1m") == "20")
            let info = try #require(try answer.json() as? [String: Any])
            try expectSameShape(info, recorded, ignoring: [])
            let limits = try #require(info["rateLimits"] as? [[String: Any]])
            #expect(limits.first?["limit"] as? Int == 6000)
            let recordedSymbol = try #require((recorded["symbols"] as? [[String: Any]])?.first)
            let symbols = try #require(info["symbols"] as? [[String: Any]])
            // `permissions` is now an empty array of strings; `permissionSets` holds the data.
            try expectSameShape(symbols[0], recordedSymbol, ignoring: ["filters"])
            #expect(symbols[0]["permissionSets"] != nil)
        }
    }

    @Test func coinMarginedExchangeInfoNamesStatusContractStatus() async throws {
        try await withSimulator(testConfiguration(.coinm)) { sim, client in
            let info = try #require(try await client.get("/dapi/v1/exchangeInfo").json() as? [String: Any])
            let symbols = try #require(info["symbols"] as? [[String: Any]])
            #expect(symbols.count == sim.universe.count)
            #expect(
                symbols.allSatisfy {
                    $0["contractStatus"] is String && $0["status"] == nil && $0["contractSize"] is Int
                })
            #expect(symbols.first?["symbol"] as? String == "BTCUSD_PERP")
        }
    }

    @Test(arguments: [Market.spot, .usdm, .coinm])
    func timeAndPingHaveBinanceBodies(market: Market) async throws {
        try await withSimulator(testConfiguration(market)) { _, client in
            let time = try await client.get(market.pathPrefix + "/time")
            let body = try #require(try time.json() as? [String: Any])
            #expect(body.count == 1)
            #expect((body["serverTime"] as? NSNumber)?.int64Value == fixedNow)
            #expect(jsonKind(body["serverTime"]!) == "integer")
            let ping = try await client.get(market.pathPrefix + "/ping")
            #expect(ping.status == 200 && ping.body == Array("{}".utf8))
        }
    }

    @Test(arguments: [
        ("symbol=NOPEUSDT&interval=1h", -1121),
        ("symbol=BTCUSDT&interval=1x", -1120),
        ("symbol=BTCUSDT&interval=1s", -1120),
        ("symbol=BTCUSDT&interval=1h&limit=1501", -1130),
        ("symbol=BTCUSDT&interval=1h&limit=0", -1130),
        ("interval=1h", -1102),
        ("symbol=BTCUSDT", -1102),
        ("symbol=btcusdt&interval=1h", -1100),
        ("symbol=BTCUSDT&interval=1h&startTime=abc", -1100),
    ])
    func invalidRequestsGetBinanceErrors(query: String, code: Int) async throws {
        let recorded = try #require(try fixture("binance_spot_docs_error_example.json") as? [String: Any])
        try await withSimulator(testConfiguration(.usdm)) { _, client in
            let answer = try await client.klines(.usdm, query)
            #expect(answer.status == 400)
            let body = try #require(try answer.json() as? [String: Any])
            #expect(Set(body.keys) == Set(recorded.keys))
            #expect(body["code"] as? Int == code)
            #expect(jsonKind(body["code"]!) == "integer" && body["msg"] is String)
            #expect(answer.header("x-mbx-used-weight-1m") != nil)
        }
    }

    @Test func spotLimitIsAtMostAThousand() async throws {
        try await withSimulator(testConfiguration(.spot)) { _, client in
            #expect(try await client.klines(.spot, "symbol=BTCUSDT&interval=1m&limit=1000").rows().count == 1000)
            let answer = try await client.klines(.spot, "symbol=BTCUSDT&interval=1m&limit=1001")
            #expect(answer.status == 400)
            #expect((try answer.json() as? [String: Any])?["code"] as? Int == -1130)
        }
    }

    @Test func unknownPathsAndOtherMarketsAre404() async throws {
        try await withSimulator(testConfiguration(.usdm)) { _, client in
            let otherMarket = try await client.get("/api/v3/klines?symbol=BTCUSDT&interval=1h")
            let unknown = try await client.get("/fapi/v1/nope")
            #expect(otherMarket.status == 404 && unknown.status == 404)
        }
    }
}

/// Every key of `recorded` is present in `actual` with the same JSON type, except `ignoring`.
func expectSameShape(_ actual: [String: Any], _ recorded: [String: Any], ignoring: Set<String>) throws {
    for (key, value) in recorded where !ignoring.contains(key) {
        let mine = try #require(actual[key], "missing key \(key)")
        #expect(jsonKind(mine) == jsonKind(value), "type of \(key)")
    }
}
