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

/// Decimal strings as Binance sends them: validation and canonical form.
public enum DecimalText {
    /// Whether `text` is a plain decimal number: optional `-`, digits, optional `.` and digits. No exponent.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        var sawDigit = false
        var sawDot = false
        var first = true
        for c in text.utf8 {
            defer { first = false }
            if c >= 48 && c <= 57 {
                sawDigit = true
            } else if c == 46 && !sawDot {
                sawDot = true
            } else if c == 45 && first {
                continue
            } else {
                return false
            }
        }
        return sawDigit
    }

    /// The value written without trailing fractional zeros, without a trailing dot, without superfluous leading
    /// zeros, and with `-0` written as `0`: `"1.50000000"` → `"1.5"`, `"0.00000000"` → `"0"`, `"007"` → `"7"`.
    public static func canonical(_ text: String) -> String {
        var utf8 = Array(text.utf8)
        var negative = false
        if utf8.first == 45 {
            negative = true
            utf8.removeFirst()
        }
        if let dot = utf8.firstIndex(of: 46) {
            var end = utf8.count
            while end > dot + 1 && utf8[end - 1] == 48 { end -= 1 }
            if end == dot + 1 { end = dot }
            utf8.removeSubrange(end...)
        }
        var start = 0
        let integerEnd = utf8.firstIndex(of: 46) ?? utf8.count
        while start < integerEnd - 1 && utf8[start] == 48 { start += 1 }
        if start == integerEnd { utf8.insert(48, at: start) }  // ".5" → "0.5"
        var body = String(decoding: utf8[start...], as: UTF8.self)
        if body.first == "." { body = "0" + body }
        if body == "0" { negative = false }
        return negative ? "-" + body : body
    }
}
