/// Identifies one series: the bars of one dataset of one symbol at one interval on one market.
public struct SeriesKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var exchange: String
    public var market: Market
    public var symbol: String
    public var interval: Interval
    /// Trade klines unless the series holds mark-price, index-price or premium-index klines.
    public var dataset: Dataset

    public init(
        exchange: String = Market.exchangeName, market: Market, symbol: String, interval: Interval,
        dataset: Dataset = .klines
    ) {
        self.exchange = exchange
        self.market = market
        self.symbol = symbol
        self.interval = interval
        self.dataset = dataset
    }

    /// `BTCUSDT 1h`, or `BTCUSDT 1h mark_price` for another dataset than trade klines.
    public var description: String {
        dataset == .klines ? "\(symbol) \(interval.name)" : "\(symbol) \(interval.name) \(dataset.rawValue)"
    }

    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        (lhs.exchange, lhs.market.rawValue, lhs.symbol, lhs.interval.approximateMillis, lhs.dataset)
            < (rhs.exchange, rhs.market.rawValue, rhs.symbol, rhs.interval.approximateMillis, rhs.dataset)
    }

    enum CodingKeys: String, CodingKey {
        case exchange, market, symbol, interval, dataset
    }

    /// Decodes a key; one written before datasets existed is a trade-klines key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exchange = try container.decode(String.self, forKey: .exchange)
        market = try container.decode(Market.self, forKey: .market)
        symbol = try container.decode(String.self, forKey: .symbol)
        interval = try container.decode(Interval.self, forKey: .interval)
        dataset = try container.decodeIfPresent(Dataset.self, forKey: .dataset) ?? .klines
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(exchange, forKey: .exchange)
        try container.encode(market, forKey: .market)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(interval, forKey: .interval)
        if dataset != .klines { try container.encode(dataset, forKey: .dataset) }
    }
}
