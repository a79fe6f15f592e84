import Yams

/// Durations as the manifest writes them: `500ms`, `30s`, `5m`, `12h`, `7d`.
public enum DurationText {
    /// Milliseconds, or nil when the text is not a duration or does not fit in 64 bits.
    public static func parse(_ text: String) -> Int64? {
        guard let (digits, factor) = split(text), let value = Int64(digits) else { return nil }
        let product = value.multipliedReportingOverflow(by: factor)
        return product.overflow ? nil : product.partialValue
    }

    /// The digits and the unit's length in ms of a duration's text (`90s` → `("90", 1000)`), however many digits.
    static func split(_ text: String) -> (digits: Substring, factor: Int64)? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return (digits, factor)
        }
        return nil
    }

    /// The shortest exact text for a duration: 90000 → `90s`, 7200000 → `2h`.
    public static func format(_ millis: Int64) -> String {
        let units: [(String, Int64)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        for (suffix, factor) in units where millis != 0 && millis % factor == 0 { return "\(millis / factor)\(suffix)" }
        return "\(millis)ms"
    }
}
