import KlineSyncCore

/// A parsed, validated request of any kline dataset (`/klines`, `/markPriceKlines`, `/indexPriceKlines`,
/// `/premiumIndexKlines`).
struct KlineQuery: Sendable {
    /// The dataset asked for.
    var dataset: Dataset
    /// The symbol's instrument; for index prices, the instrument standing for the pair
    /// (``Universe/instrument(pair:)``).
    var instrument: SimulatedInstrument
    var interval: Interval
    var startTime: Int64?
    var endTime: Int64?
    var limit: Int

    /// The request weight of a klines call with these raw parameters (the default limit when `limit` is bad).
    static func weight(market: Market, limitText: Substring?) -> Int {
        let limit = limitText.flatMap { Int($0) } ?? market.defaultKlineLimit
        return market.klineWeight(limit: limit)
    }

    /// Validates parameters the way Binance does, in Binance's order: symbol (index prices: `pair`), interval,
    /// limit, times.
    init(
        parameters: [Substring: Substring], market: Market, universe: Universe, dataset: Dataset = .klines
    ) throws(APIError) {
        let keyName = dataset.keyedByPair ? "pair" : "symbol"
        guard let symbol = parameters[Substring(keyName)], !symbol.isEmpty else { throw .missing(keyName) }
        guard symbol.utf8.count <= 20,
            symbol.utf8.allSatisfy({
                ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 || $0 == 46
            })
        else { throw .illegal(keyName, "^[A-Z0-9-_.]{1,20}$") }
        guard let intervalName = parameters["interval"], !intervalName.isEmpty else { throw .missing("interval") }
        guard let instrument = universe.instrument(String(symbol), dataset: dataset) else { throw .invalidSymbol }
        guard let interval = Interval(name: String(intervalName)), market.intervals.contains(interval) else {
            throw .invalidInterval
        }
        self.dataset = dataset
        self.instrument = instrument
        self.interval = interval
        limit = market.defaultKlineLimit
        if let text = parameters["limit"] {
            guard let value = Int(text) else { throw .illegal("limit", "^[0-9]{1,20}$") }
            guard value >= 1 && value <= market.maxKlineLimit else { throw .invalidLimit }
            limit = value
        }
        startTime = try Self.time(parameters, "startTime")
        endTime = try Self.time(parameters, "endTime")
        if let s = startTime, let e = endTime {
            guard s <= e else { throw .startAfterEnd }
            if let span = market.maxWindowMillis, e - s > span { throw .windowTooLong }
        }
    }

    private static func time(_ parameters: [Substring: Substring], _ name: String) throws(APIError) -> Int64? {
        guard let text = parameters[Substring(name)] else { return nil }
        guard let value = Int64(text) else { throw .illegal(name, "^[0-9]{1,20}$") }
        return value
    }

    /// The open times Binance returns for this query.
    ///
    /// Spot and USD-M anchor at `startTime` when it is given; COIN-M with both times returns the newest `limit`
    /// bars up to `endTime`. Without times, the newest bars up to now (the last one still open).
    func openTimes(market: Market, selection: KlineSelection, now: Int64) -> [Int64] {
        switch (startTime, endTime) {
        case (nil, nil):
            return selection.backward(through: now, from: Int64.min, limit: limit)
        case (let start?, nil):
            return selection.forward(from: start, through: Int64.max, limit: limit)
        case (nil, let end?):
            return selection.backward(through: end, from: Int64.min, limit: limit)
        case (let start?, let end?):
            if market == .coinm { return selection.backward(through: end, from: start, limit: limit) }
            return selection.forward(from: start, through: end, limit: limit)
        }
    }
}
