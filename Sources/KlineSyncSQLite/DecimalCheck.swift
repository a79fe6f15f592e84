import KlineSyncCore

/// A fast check that a bar's decimal fields are plain decimals, for the bulk write path.
///
/// Same rule as `DecimalText.isValid` (optional leading `-`, digits, at most one `.`, at least one digit, no
/// exponent), but specialised for `String` and run over its contiguous UTF-8, which the generic version in
/// KlineSyncCore cannot be across the module boundary (it cost ~40% of a bulk insert).
enum DecimalCheck {
    /// Whether `text` is a plain decimal number.
    static func isDecimal(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var sawDigit = false
            var sawDot = false
            for index in bytes.indices {
                let c = bytes[index]
                if c &- 48 < 10 {
                    sawDigit = true
                } else if c == 46 && !sawDot {
                    sawDot = true
                } else if !(c == 45 && index == 0) {
                    return false
                }
            }
            return sawDigit
        }
    }

    /// The name and text of the first field of `bar` that is not a plain decimal, or nil when all are.
    static func invalidField(of bar: Bar) -> String? {
        if !isDecimal(bar.open) { return "open '\(bar.open)'" }
        if !isDecimal(bar.high) { return "high '\(bar.high)'" }
        if !isDecimal(bar.low) { return "low '\(bar.low)'" }
        if !isDecimal(bar.close) { return "close '\(bar.close)'" }
        if !isDecimal(bar.volume) { return "volume '\(bar.volume)'" }
        if !isDecimal(bar.quoteVolume) { return "quote volume '\(bar.quoteVolume)'" }
        if !isDecimal(bar.takerBuyBaseVolume) { return "taker buy base volume '\(bar.takerBuyBaseVolume)'" }
        if !isDecimal(bar.takerBuyQuoteVolume) { return "taker buy quote volume '\(bar.takerBuyQuoteVolume)'" }
        return nil
    }
}
