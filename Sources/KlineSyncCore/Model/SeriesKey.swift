/// Identifies one series: the bars of one symbol at one interval on one market.
public struct SeriesKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var exchange: String
    public var market: Market
    public var symbol: String
    public var interval: Interval

    public init(exchange: String = Market.exchangeName, market: Market, symbol: String, interval: Interval) {
        self.exchange = exchange
        self.market = market
        self.symbol = symbol
        self.interval = interval
    }

    public var description: String { "\(symbol) \(interval.name)" }

    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        (lhs.exchange, lhs.market.rawValue, lhs.symbol, lhs.interval.approximateMillis)
            < (rhs.exchange, rhs.market.rawValue, rhs.symbol, rhs.interval.approximateMillis)
    }
}
