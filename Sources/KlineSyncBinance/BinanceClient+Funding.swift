import Foundation
import KlineSyncCore

extension BinanceClient: FundingSource {
    /// Rows per funding request (the endpoint's maximum).
    static let fundingPageLimit = 1000

    /// Funding events of `symbol` in `range` (`GET …/fundingRate`, futures only), paged forward 1000 at a time
    /// through the funding limiter (500 requests per 5 minutes per IP, shared with `fundingInfo`), with the same
    /// retries, 429 and 418 handling as klines.
    public func fetchFunding(symbol: String, range: TimeRange) async throws -> FundingFetch {
        let path = market.pathPrefix + "/fundingRate"
        guard market.isFutures else {
            throw ExchangeError.rejected(
                status: 0, code: -1100, message: "funding rates are futures only, not on \(market.rawValue)", path: path
            )
        }
        guard Instrument.isValidSymbol(symbol) else {
            throw ExchangeError.rejected(
                status: 0, code: -1100, message: "illegal characters in symbol name", path: path)
        }
        var fetch = FundingFetch(rates: [])
        var start = range.start
        while start < range.end {
            try Task.checkCancellation()
            let query = [
                ("symbol", symbol), ("startTime", String(start)), ("endTime", String(range.end - 1)),
                ("limit", String(Self.fundingPageLimit)),
            ]
            let outcome = try await send(path: path, query: query, weight: 1, through: fundingLimiter) {
                (body: UnsafeRawBufferPointer) throws(ExchangeError) -> [FundingRate] in
                do {
                    return try FundingParser.parse(
                        Data(body), symbol: symbol, range: TimeRange(start: start, end: range.end))
                } catch {
                    throw .invalidResponse(message: "\(symbol) funding: \(error)", path: path)
                }
            }
            fetch.requests += outcome.requests
            fetch.retries += outcome.retries
            fetch.rates.append(contentsOf: outcome.value)
            guard outcome.value.count >= Self.fundingPageLimit, let last = outcome.value.last else { break }
            start = last.fundingTime + 1
        }
        return fetch
    }
}
