import Foundation
import KlineSyncCore
import Testing

@testable import KlineSyncBinance

/// Funding-history bodies: rows as binance-api.md shows them, empty mark prices, and every row check.
@Suite struct FundingParserTests {
    static let range = TimeRange(start: 1_698_700_000_000, end: 1_698_900_000_000)

    func parse(_ json: String) throws -> [FundingRate] {
        try FundingParser.parse(Data(json.utf8), symbol: "BTCUSDT", range: Self.range)
    }

    @Test func readsRowsAndTreatsAnEmptyMarkPriceAsNone() throws {
        let rates = try parse(
            """
            [{"symbol":"BTCUSDT","fundingTime":1698768000000,"fundingRate":"0.00010000","markPrice":"34287.54619963"},
             {"symbol":"BTCUSDT","fundingTime":1698796800000,"fundingRate":"-0.00002500","markPrice":""}]
            """)
        #expect(
            rates == [
                FundingRate(fundingTime: 1_698_768_000_000, rate: "0.00010000", markPrice: "34287.54619963"),
                FundingRate(fundingTime: 1_698_796_800_000, rate: "-0.00002500", markPrice: nil),
            ])
        #expect(rates[0].canonicalText == "1698768000000,0.0001,34287.54619963")
        #expect(try parse("[]").isEmpty)
    }

    @Test(arguments: [
        (#"[{"symbol":"ETHUSDT","fundingTime":1698768000000,"fundingRate":"0.0001","markPrice":"1"}]"#, "symbol"),
        (#"[{"symbol":"BTCUSDT","fundingTime":1698768000000,"fundingRate":"1e-4","markPrice":"1"}]"#, "rate"),
        (#"[{"symbol":"BTCUSDT","fundingTime":1698768000000,"fundingRate":"0.0001","markPrice":"x"}]"#, "mark"),
        (#"[{"symbol":"BTCUSDT","fundingTime":1600000000000,"fundingRate":"0.0001","markPrice":"1"}]"#, "outside"),
        (
            #"[{"symbol":"BTCUSDT","fundingTime":1698768000000,"fundingRate":"0.0001"},"#
                + #"{"symbol":"BTCUSDT","fundingTime":1698768000000,"fundingRate":"0.0001"}]"#, "ascend"
        ),
        (#"{"code":-1121,"msg":"Invalid symbol."}"#, "not a list"),
    ])
    func refusesABadBody(body: String, expected: String) {
        #expect {
            _ = try parse(body)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
