extension Bar {
    /// Names of the eight decimal fields as messages give them, in column order (open, high, low, close, volume,
    /// quote volume, taker buy base and quote volumes).
    public static let decimalFieldNames = [
        "open", "high", "low", "close", "volume", "quote volume", "taker buy base volume", "taker buy quote volume",
    ]

    /// The eight decimal texts of the bar, in the order of `decimalFieldNames`.
    public var decimalFields: [String] {
        [open, high, low, close, volume, quoteVolume, takerBuyBaseVolume, takerBuyQuoteVolume]
    }

    /// Why field `index` (of `decimalFieldNames`) holding `text` cannot be stored:
    /// "bar at T has volume '1e5' that is not a decimal".
    public func malformedDecimalMessage(field index: Int, text: String) -> String {
        "bar at \(openTime) has \(Self.decimalFieldNames[index]) '\(text)' that is not a decimal"
    }

    /// The message of `malformedDecimalMessage` for the first bar of `bars` with a decimal text that is not a
    /// plain decimal (`DecimalText.isValid`), or nil when every text is one. What a store refuses to write.
    public static func firstMalformedDecimal(in bars: some Collection<Bar>) -> String? {
        for bar in bars {
            // The common case, every text valid, without building the array of `decimalFields`.
            if DecimalText.isValid(utf8: bar.open.utf8) && DecimalText.isValid(utf8: bar.high.utf8)
                && DecimalText.isValid(utf8: bar.low.utf8) && DecimalText.isValid(utf8: bar.close.utf8)
                && DecimalText.isValid(utf8: bar.volume.utf8) && DecimalText.isValid(utf8: bar.quoteVolume.utf8)
                && DecimalText.isValid(utf8: bar.takerBuyBaseVolume.utf8)
                && DecimalText.isValid(utf8: bar.takerBuyQuoteVolume.utf8)
            {
                continue
            }
            for (index, text) in bar.decimalFields.enumerated() where !DecimalText.isValid(utf8: text.utf8) {
                return bar.malformedDecimalMessage(field: index, text: text)
            }
        }
        return nil
    }
}
