/// A fast check that a bar's decimal texts are plain decimals, for the bulk write path.
///
/// Same rule as `DecimalText.isValid` (optional leading `-`, digits, at most one `.`, at least one digit, no
/// exponent), but over raw UTF-8 bytes: the generic version in KlineSyncCore is not specialised across the module
/// boundary and cost ~40% of a bulk insert. `BarUpsert` runs it on the bytes it has already copied for binding.
enum DecimalCheck {
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
