/// A tradable symbol as the exchange lists it, normalised across markets.
public struct Instrument: Sendable, Hashable, Codable {
    /// Trading state, normalised from Binance's many status names.
    public enum Status: String, Sendable, Codable, Hashable {
        /// Trading now.
        case trading
        /// Listed but not trading now (pending, halted, break, delivering …); may trade again.
        case notTrading = "not_trading"
        /// Gone for good (delivered, settled, closed).
        case delisted
    }

    public var symbol: String
    public var status: Status
    /// The exchange's own status word, kept verbatim.
    public var rawStatus: String
    /// Futures contract type (`PERPETUAL`, `CURRENT_QUARTER`, …); nil on spot.
    public var contractType: String?
    public var baseAsset: String
    public var quoteAsset: String
    public var marginAsset: String?
    /// Listing time (ms) as the exchange claims it; not reliable for the first bar.
    public var onboardDate: Int64?
    /// Delivery or delisting time (ms); perpetuals carry a far-future placeholder.
    public var deliveryDate: Int64?
    /// Futures: the underlying pair (`BTCUSDT` for USD-M `BTCUSDT` and `BTCUSDT_250328`, `BTCUSD` for COIN-M
    /// `BTCUSD_PERP`), which index prices are keyed by; nil on spot.
    public var pair: String?

    public init(
        symbol: String, status: Status, rawStatus: String, contractType: String? = nil, baseAsset: String,
        quoteAsset: String, marginAsset: String? = nil, onboardDate: Int64? = nil, deliveryDate: Int64? = nil,
        pair: String? = nil
    ) {
        self.symbol = symbol
        self.status = status
        self.rawStatus = rawStatus
        self.contractType = contractType
        self.baseAsset = baseAsset
        self.quoteAsset = quoteAsset
        self.marginAsset = marginAsset
        self.onboardDate = onboardDate
        self.deliveryDate = deliveryDate
        self.pair = pair
    }

    /// The name a series of `dataset` is stored and requested under: the pair for index prices (one index series
    /// serves every contract of a pair), else the symbol.
    public func seriesSymbol(_ dataset: Dataset) -> String {
        dataset.keyedByPair ? (pair ?? symbol) : symbol
    }

    /// Whether `symbol` is a safe symbol name: 1–40 characters from `[A-Z0-9_-]`.
    public static func isValidSymbol(_ symbol: String) -> Bool {
        let utf8 = symbol.utf8
        guard !utf8.isEmpty, utf8.count <= 40 else { return false }
        return utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }
}
