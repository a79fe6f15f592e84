import KlineSyncCore

/// A fast check that a bar's decimal texts are plain decimals, for the bulk write path.
///
/// Same rule as `DecimalText.isValid` (optional leading `-`, digits, at most one `.`, at least one digit, no
/// exponent), but specialised for `String` and run over its contiguous UTF-8, which the generic version in
/// KlineSyncCore cannot be across the module boundary (it cost ~40% of a bulk insert). `BarUpsert` runs it on the
/// bytes it has already copied for binding.
enum DecimalCheck {
    /// Whether `text` is a plain decimal number.
    static func isDecimal(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isDecimal($0) }
    }

    /// Whether the UTF-8 `bytes` spell a plain decimal number.
    static func isDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
