/// Formatting and parsing of UTC timestamps (RFC 3339 and plain dates) in milliseconds.
public enum Timestamp {
    /// The earliest time a manifest may name: 1970-01-01T00:00:00Z, the Unix epoch (no exchange has older bars).
    public static let earliest: Int64 = 0
    /// The latest time a manifest may name: 9999-12-31T23:59:59.999Z. Bar arithmetic up to here stays far inside
    /// 64 bits.
    public static let latest: Int64 = 253_402_300_799_999

    /// `2024-01-01T00:00:00Z` (milliseconds shown only when non-zero).
    public static func format(_ millis: Int64) -> String {
        let d = CivilDate(millis: millis)
        var s =
            "\(pad(d.year, 4))-\(pad(d.month, 2))-\(pad(d.day, 2))T\(pad(d.hour, 2)):\(pad(d.minute, 2)):\(pad(d.second, 2))"
        if d.millisecond != 0 { s += ".\(pad(d.millisecond, 3))" }
        return s + "Z"
    }

    /// A compact form for tables: `2024-01-01` at midnight, else `2024-01-01 04:00`.
    public static func short(_ millis: Int64) -> String {
        let d = CivilDate(millis: millis)
        let date = "\(pad(d.year, 4))-\(pad(d.month, 2))-\(pad(d.day, 2))"
        if d.hour == 0 && d.minute == 0 && d.second == 0 && d.millisecond == 0 { return date }
        if d.second == 0 && d.millisecond == 0 { return date + " \(pad(d.hour, 2)):\(pad(d.minute, 2))" }
        return date + " \(pad(d.hour, 2)):\(pad(d.minute, 2)):\(pad(d.second, 2))"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Parses `2024-01-01`, `2024-01-01T12:30:00Z`, `2024-01-01T12:30:00.250+02:00` and the same with a space
    /// instead of `T`. Returns nil for anything else, including impossible dates such as `2024-02-30`.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else {
            return nil
        }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        var date = CivilDate(year: year, month: month, day: day)
        if i == b.count { return date.millis }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2), expect(58), let second = digits(2) else {
            return nil
        }
        guard hour < 24, minute < 60, second < 60 else { return nil }
        date.hour = hour
        date.minute = minute
        date.second = second
        if i < b.count, b[i] == 46 {
            i += 1
            var fraction = 0
            var places = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if places < 3 {
                    fraction = fraction * 10 + Int(b[i] - 48)
                    places += 1
                }
                i += 1
            }
            guard places > 0 else { return nil }
            while places < 3 {
                fraction *= 10
                places += 1
            }
            date.millisecond = fraction
        }
        guard i < b.count else { return nil }
        var offsetMinutes = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(58), let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        return date.millis - Int64(offsetMinutes) * 60_000
    }
}
