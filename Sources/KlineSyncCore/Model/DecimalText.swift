/// Decimal strings as Binance sends them: validation and canonical form.
public enum DecimalText {
    /// Whether `text` is a plain decimal number: optional `-`, digits, optional `.` and digits. No exponent.
    @inlinable
    public static func isValid(_ text: some StringProtocol) -> Bool {
        isValid(utf8: text.utf8)
    }

    /// Whether the UTF-8 `bytes` spell a plain decimal number (the rule of `isValid(_:)`).
    ///
    /// The one decimal check of every module: `@inlinable` so that the stores' bulk write paths get it specialised
    /// for their buffers (an unspecialised generic call across the module boundary cost ~40% of a bulk insert).
    @inlinable
    public static func isValid<Bytes: Collection<UInt8>>(utf8 bytes: Bytes) -> Bool {
        var sawDigit = false
        var sawDot = false
        var first = true
        for c in bytes {
            if c &- 48 < 10 {
                sawDigit = true
            } else if c == 46 && !sawDot {
                sawDot = true
            } else if !(c == 45 && first) {
                return false
            }
            first = false
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
