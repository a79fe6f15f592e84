import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

extension SimClient {
    /// A request of `dataset` on `market`'s path; `key` is the symbol, or for index prices the pair.
    func klines(_ market: Market, _ dataset: Dataset, key: String, _ query: String) async throws -> HTTPAnswer {
        let name = dataset.keyedByPair ? "pair" : "symbol"
        return try await get(market.pathPrefix + "/\(dataset.endpoint)?\(name)=\(key)&" + query)
    }

    /// The closed bars of `dataset` REST serves for `key` at `interval` opening in `range`, paged with exact windows.
    func restBars(
        _ market: Market, _ dataset: Dataset, key: String, _ interval: Interval, _ range: TimeRange
    ) async throws -> [Bar] {
        var bars: [Bar] = []
        var start = interval.ceil(range.start)
        let limit = market.maxKlineLimit
        while start < range.end {
            let end = min(interval.advance(start, by: Int64(limit)), range.end) - 1
            let answer = try await klines(
                market, dataset, key: key, "interval=\(interval.name)&startTime=\(start)&endTime=\(end)&limit=\(limit)")
            try #require(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            bars += try answer.rows().map(bar)
            start = end + 1
        }
        return bars
    }

    /// `fundingRate` rows of `market` with `query`.
    func funding(_ market: Market, _ query: String) async throws -> HTTPAnswer {
        try await get(market.pathPrefix + "/fundingRate?" + query)
    }
}

extension HTTPAnswer {
    /// The body as funding rows.
    func fundingRows() throws -> [FundingRate] {
        let objects = try #require(try json() as? [[String: Any]])
        return try objects.map { object in
            #expect(Set(object.keys) == ["symbol", "fundingTime", "fundingRate", "markPrice"])
            return FundingRate(
                fundingTime: try #require((object["fundingTime"] as? NSNumber)?.int64Value),
                rate: try #require(object["fundingRate"] as? String),
                markPrice: try #require(object["markPrice"] as? String))
        }
    }
}

/// `value` of a decimal string.
func decimal(_ text: String) throws -> Double { try #require(Double(text)) }
