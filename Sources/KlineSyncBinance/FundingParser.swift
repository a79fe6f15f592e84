import Foundation
import KlineSyncCore

/// Why a funding body could not be used.
struct FundingParseError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Reads `GET …/fundingRate` bodies: `[{"symbol":"BTCUSDT","fundingTime":1698768000000,"fundingRate":"0.00010000",
/// "markPrice":"34287.54619963"}, …]`, checking every row.
enum FundingParser {
    private struct Row: Decodable {
        var symbol: String?
        var fundingTime: Int64
        var fundingRate: String
        var markPrice: String?
    }

    /// The rows of `body`, which must be of `symbol`, strictly ascending and inside `range`, with decimal rates and
    /// mark prices (an empty mark price, as old rows have, is none).
    static func parse(_ body: Data, symbol: String, range: TimeRange) throws -> [FundingRate] {
        let rows: [Row]
        do {
            rows = try JSONDecoder().decode([Row].self, from: body)
        } catch {
            throw FundingParseError(message: "not a list of funding rows (\(error))")
        }
        var previous = Int64.min
        return try rows.enumerated().map { index, row in
            if let other = row.symbol, other != symbol {
                throw FundingParseError(message: "row \(index): symbol \(other), asked for \(symbol)")
            }
            guard row.fundingTime > previous else {
                throw FundingParseError(message: "row \(index): funding time \(row.fundingTime) does not ascend")
            }
            guard range.contains(row.fundingTime) else {
                throw FundingParseError(message: "row \(index): funding time \(row.fundingTime) is outside the window")
            }
            guard DecimalText.isValid(row.fundingRate) else {
                throw FundingParseError(message: "row \(index): funding rate '\(row.fundingRate)' is not a decimal")
            }
            let mark = row.markPrice.flatMap { $0.isEmpty ? nil : $0 }
            if let mark, !DecimalText.isValid(mark) {
                throw FundingParseError(message: "row \(index): mark price '\(mark)' is not a decimal")
            }
            previous = row.fundingTime
            return FundingRate(fundingTime: row.fundingTime, rate: row.fundingRate, markPrice: mark)
        }
    }
}
