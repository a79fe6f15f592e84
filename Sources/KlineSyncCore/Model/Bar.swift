/// One closed K-line (candlestick) exactly as the exchange sent it.
///
/// Prices and volumes are kept as the decimal strings Binance sent, so what is stored is what comes back;
/// times are integer milliseconds since the Unix epoch.
public struct Bar: Sendable, Hashable, Codable {
    /// Open time (ms).
    public var openTime: Int64
    public var open: String
    public var high: String
    public var low: String
    public var close: String
    /// Volume (base asset; COIN-M: contracts).
    public var volume: String
    /// Close time (ms) = open time + interval − 1.
    public var closeTime: Int64
    /// Quote asset volume (COIN-M: base asset volume).
    public var quoteVolume: String
    /// Number of trades.
    public var trades: Int64
    /// Taker buy base volume (COIN-M: contracts).
    public var takerBuyBaseVolume: String
    /// Taker buy quote volume (COIN-M: base asset).
    public var takerBuyQuoteVolume: String

    public init(
        openTime: Int64, open: String, high: String, low: String, close: String, volume: String, closeTime: Int64,
        quoteVolume: String, trades: Int64, takerBuyBaseVolume: String, takerBuyQuoteVolume: String
    ) {
        self.openTime = openTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.closeTime = closeTime
        self.quoteVolume = quoteVolume
        self.trades = trades
        self.takerBuyBaseVolume = takerBuyBaseVolume
        self.takerBuyQuoteVolume = takerBuyQuoteVolume
    }

    /// The canonical text of the bar used for digests: fields joined by `,`, decimals without trailing zeros.
    public var canonicalText: String {
        var s = String(openTime)
        for part in [open, high, low, close, volume] {
            s += ","
            s += DecimalText.canonical(part)
        }
        s += ",\(closeTime),\(DecimalText.canonical(quoteVolume)),\(trades),"
        s += DecimalText.canonical(takerBuyBaseVolume) + "," + DecimalText.canonical(takerBuyQuoteVolume)
        return s
    }
}
