import Foundation
import KlineSyncCore
import Testing

@testable import KlineSyncBinance

@Suite struct ExchangeInfoParserTests {
    @Test func normalisesRecordedUSDMExchangeInfo() throws {
        let info = try ExchangeInfoParser.parse(
            Fixtures.data("nautilus_fapi_exchangeInfo_2022-02-19.json"), market: .usdm)
        #expect(info.weightLimitPerMinute == 6000)
        #expect(info.serverTime == 1_645_233_611_962)
        #expect(info.instruments.map(\.symbol) == ["BTCUSDT", "ETHUSDT", "BTCUSDT_220325"])
        let btc = try #require(info.instruments.first)
        #expect(btc.status == .trading && btc.rawStatus == "TRADING")
        #expect(btc.contractType == "PERPETUAL")
        #expect(btc.baseAsset == "BTC" && btc.quoteAsset == "USDT" && btc.marginAsset == "USDT")
        #expect(btc.onboardDate == 1_569_398_400_000 && btc.deliveryDate == 4_133_404_802_000)
        let quarterly = info.instruments[2]
        #expect(quarterly.contractType == "CURRENT_QUARTER" && quarterly.deliveryDate == 1_648_195_200_000)
    }

    @Test func normalisesRecordedSpotExchangeInfo() throws {
        let info = try ExchangeInfoParser.parse(
            Fixtures.data("nautilus_spot_exchangeInfo_2021-10-22.json"), market: .spot)
        #expect(info.weightLimitPerMinute == 1200)
        #expect(info.instruments.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        #expect(
            info.instruments.allSatisfy { $0.status == .trading && $0.contractType == nil && $0.marginAsset == nil })
    }

    @Test func readsCOINMContractStatusAndSkipsUnsafeSymbols() throws {
        let body = """
            {"serverTime": 1, "rateLimits": [
              {"rateLimitType":"REQUEST_WEIGHT","interval":"SECOND","intervalNum":10,"limit":1000},
              {"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000},
              {"rateLimitType":"NEW_KIND","interval":"WEEK","intervalNum":"x"}],
             "symbols": [
              {"symbol":"BTCUSD_PERP","pair":"BTCUSD","contractType":"PERPETUAL","contractStatus":"TRADING",
               "baseAsset":"BTC","quoteAsset":"USD","marginAsset":"BTC","contractSize":100,"deliveryDate":4133404800000},
              {"symbol":"ETHUSD_240628","contractType":"NEXT_QUARTER_DELIVERING","contractStatus":"DELIVERING",
               "baseAsset":"ETH","quoteAsset":"USD","onboardDate":"not a number"},
              {"symbol":"OLDUSD_PERP","contractType":"SOMETHING_NEW","contractStatus":"SETTLING","baseAsset":"OLD","quoteAsset":"USD"},
              {"symbol":"bad symbol; drop table","contractStatus":"TRADING"},
              {"symbol":"WEIRDUSD_PERP","contractStatus":"BRAND_NEW_STATUS","extra":[1,{"a":null}]},
              {"contractStatus":"TRADING"},
              42
             ]}
            """
        let info = try ExchangeInfoParser.parse(Data(body.utf8), market: .coinm)
        #expect(info.weightLimitPerMinute == 6000)
        #expect(info.instruments.map(\.symbol) == ["BTCUSD_PERP", "ETHUSD_240628", "OLDUSD_PERP", "WEIRDUSD_PERP"])
        #expect(info.instruments.map(\.status) == [.trading, .notTrading, .delisted, .notTrading])
        #expect(info.instruments[1].onboardDate == nil)
        #expect(info.instruments[2].contractType == "SOMETHING_NEW")
        #expect(info.instruments[3].rawStatus == "BRAND_NEW_STATUS")
    }

    @Test(arguments: [
        ("TRADING", Instrument.Status.trading), ("PENDING_TRADING", .notTrading), ("PRE_DELIVERING", .notTrading),
        ("DELIVERING", .notTrading), ("PRE_SETTLE", .notTrading), ("HALT", .notTrading), ("BREAK", .notTrading),
        ("END_OF_DAY", .notTrading), ("CANCEL_ONLY", .notTrading), ("AUCTION_MATCH", .notTrading),
        ("DELIVERED", .delisted), ("SETTLING", .delisted), ("CLOSE", .delisted), ("", .notTrading),
    ])
    func mapsStatuses(raw: String, status: Instrument.Status) {
        #expect(ExchangeInfoParser.status(raw) == status)
    }

    @Test(arguments: [
        ("SECOND", 10, 300, 1800), ("MINUTE", 1, 2400, 2400), ("MINUTE", 5, 6100, 1220), ("HOUR", 1, 60_000, 1000),
        ("DAY", 1, 1_440_000, 1000),
    ])
    func normalisesWeightLimitsPerMinute(interval: String, count: Int, limit: Int, perMinute: Int) {
        let limits = [
            ExchangeInfoParser.RateLimit(
                rateLimitType: "REQUEST_WEIGHT", interval: interval, intervalNum: count, limit: limit)
        ]
        #expect(ExchangeInfoParser.weightLimitPerMinute(limits) == perMinute)
    }

    @Test func rejectsADocumentWithoutSymbols() {
        #expect(throws: (any Error).self) { try ExchangeInfoParser.parse(Data("[]".utf8), market: .spot) }
    }
}

@Suite struct ResponseClassifierTests {
    @Test func mapsTheRecordedErrorBodyToRejected() throws {
        let error = ResponseClassifier.error(
            status: 400, body: try Fixtures.bytes("binance_spot_docs_error_example.json"), retryAfter: nil,
            path: "/api/v3/klines")
        #expect(error == .rejected(status: 400, code: -1121, message: "Invalid symbol.", path: "/api/v3/klines"))
        #expect(!error.isRetryable)
        #expect(error.code == "-1121")
    }

    @Test func mapsStatuses() {
        let body = Array("{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until 1615183669840.\"}".utf8)
        #expect(
            ResponseClassifier.error(status: 418, body: body, retryAfter: nil, path: "/p")
                == .banned(until: 1_615_183_669_840, message: "Way too many requests; IP banned until 1615183669840."))
        #expect(
            ResponseClassifier.error(status: 429, body: [], retryAfter: " 7 ", path: "/p")
                == .rateLimited(retryAfter: 7, path: "/p"))
        #expect(
            ResponseClassifier.error(status: 429, body: [], retryAfter: nil, path: "/p")
                == .rateLimited(retryAfter: nil, path: "/p"))
        #expect(
            ResponseClassifier.error(status: 503, body: Array("Service Unavailable.".utf8), retryAfter: nil, path: "/p")
                == .server(status: 503, message: "Service Unavailable.", path: "/p"))
        #expect(ResponseClassifier.error(status: 408, body: [], retryAfter: nil, path: "/p").isRetryable)
        #expect(
            ResponseClassifier.error(status: 403, body: Array("<html>".utf8), retryAfter: nil, path: "/p")
                == .server(status: 403, message: "<html>", path: "/p"))
    }

    @Test func encodesQueryParameters() {
        #expect(
            QueryString.encode([("symbol", "BTCUSDT"), ("interval", "1M"), ("x", "a b&c=d/é")])
                == "symbol=BTCUSDT&interval=1M&x=a%20b%26c%3Dd%2F%C3%A9")
    }
}
