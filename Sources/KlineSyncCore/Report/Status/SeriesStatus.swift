/// Coverage of one stored series, as `klinesync status` shows it.
public struct SeriesStatus: Codable, Sendable, Hashable {
    /// The exchange the bars came from (`binance`).
    public var exchange: String
    public var market: Market
    public var symbol: String
    public var interval: Interval
    /// Trade, mark-price, index-price or premium-index klines.
    public var dataset: Dataset
    /// Open time (ms) of the first stored bar; nil when the series holds none.
    public var firstOpenTime: Int64?
    /// The first open time in RFC 3339.
    public var first: String?
    /// Open time (ms) of the last stored bar.
    public var lastOpenTime: Int64?
    /// The last open time in RFC 3339.
    public var last: String?
    /// Number of stored bars.
    public var bars: Int64
    /// Number of interior gaps (runs of missing bars between the first and the last).
    public var gaps: Int
    /// Bars missing in those gaps.
    public var missingBars: Int64
    /// Earliest open time (ms) the exchange has, once discovered.
    public var listingFloor: Int64?
    /// SHA-256 digest of the series' bars (DESIGN §6).
    public var digest: String

    /// Creates a status; `first` and `last` are formatted from the open times.
    public init(
        key: SeriesKey, firstOpenTime: Int64?, lastOpenTime: Int64?, bars: Int64, gaps: Int, missingBars: Int64,
        listingFloor: Int64?, digest: String
    ) {
        self.exchange = key.exchange
        self.market = key.market
        self.symbol = key.symbol
        self.interval = key.interval
        self.dataset = key.dataset
        self.firstOpenTime = firstOpenTime
        self.first = firstOpenTime.map(Timestamp.format)
        self.lastOpenTime = lastOpenTime
        self.last = lastOpenTime.map(Timestamp.format)
        self.bars = bars
        self.gaps = gaps
        self.missingBars = missingBars
        self.listingFloor = listingFloor
        self.digest = digest
    }

    /// The series this status describes.
    public var key: SeriesKey {
        SeriesKey(exchange: exchange, market: market, symbol: symbol, interval: interval, dataset: dataset)
    }

    enum CodingKeys: String, CodingKey {
        case exchange, market, symbol, interval, dataset
        case firstOpenTime = "first_open_time"
        case first
        case lastOpenTime = "last_open_time"
        case last, bars, gaps
        case missingBars = "missing_bars"
        case listingFloor = "listing_floor"
        case digest
    }

    /// Encodes every key, absent values as `null`, so that scripts see a fixed shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(exchange, forKey: .exchange)
        try container.encode(market, forKey: .market)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(interval, forKey: .interval)
        try container.encode(dataset, forKey: .dataset)
        try container.encode(firstOpenTime, forKey: .firstOpenTime)
        try container.encode(first, forKey: .first)
        try container.encode(lastOpenTime, forKey: .lastOpenTime)
        try container.encode(last, forKey: .last)
        try container.encode(bars, forKey: .bars)
        try container.encode(gaps, forKey: .gaps)
        try container.encode(missingBars, forKey: .missingBars)
        try container.encode(listingFloor, forKey: .listingFloor)
        try container.encode(digest, forKey: .digest)
    }

    /// Decodes a status; one written before datasets existed is of trade klines.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        exchange = try container.decode(String.self, forKey: .exchange)
        market = try container.decode(Market.self, forKey: .market)
        symbol = try container.decode(String.self, forKey: .symbol)
        interval = try container.decode(Interval.self, forKey: .interval)
        dataset = try container.decodeIfPresent(Dataset.self, forKey: .dataset) ?? .klines
        firstOpenTime = try container.decodeIfPresent(Int64.self, forKey: .firstOpenTime)
        first = try container.decodeIfPresent(String.self, forKey: .first)
        lastOpenTime = try container.decodeIfPresent(Int64.self, forKey: .lastOpenTime)
        last = try container.decodeIfPresent(String.self, forKey: .last)
        bars = try container.decode(Int64.self, forKey: .bars)
        gaps = try container.decode(Int.self, forKey: .gaps)
        missingBars = try container.decode(Int64.self, forKey: .missingBars)
        listingFloor = try container.decodeIfPresent(Int64.self, forKey: .listingFloor)
        digest = try container.decode(String.self, forKey: .digest)
    }
}
