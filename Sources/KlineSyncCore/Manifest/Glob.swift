/// Shell-style globs over symbol names: `*` matches any run of characters, `?` exactly one.
public enum Glob {
    /// Whether `pattern` matches the whole of `text`.
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8)
        let t = Array(text.utf8)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Whether every symbol `specific` can match is also matched by `general` (`*` covers `*USDT`, `BTC?` covers
    /// `BTCX`). The check is sufficient, not exhaustive: true is certain; some coverings it does not see (`*?`
    /// covers `??*`).
    public static func covers(_ general: String, _ specific: String) -> Bool {
        let g = Array(general.utf8)
        let s = Array(specific.utf8)
        let star = UInt8(ascii: "*")
        // covered[i][j]: g[i...] covers s[j...].
        var covered = [[Bool]](repeating: [Bool](repeating: false, count: s.count + 1), count: g.count + 1)
        covered[g.count][s.count] = true
        for i in stride(from: g.count - 1, through: 0, by: -1) {
            for j in stride(from: s.count, through: 0, by: -1) {
                switch g[i] {
                case star: covered[i][j] = covered[i + 1][j] || (j < s.count && covered[i][j + 1])
                case UInt8(ascii: "?"): covered[i][j] = j < s.count && s[j] != star && covered[i + 1][j + 1]
                default: covered[i][j] = j < s.count && s[j] == g[i] && covered[i + 1][j + 1]
                }
            }
        }
        return covered[0][0]
    }

    /// Whether `pattern` is a well-formed symbol glob: characters `A-Z 0-9 _ - * ?`, 1–40 long.
    public static func isValidPattern(_ pattern: String) -> Bool {
        let utf8 = pattern.utf8
        guard !utf8.isEmpty, utf8.count <= 40 else { return false }
        return utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 || $0 == 42 || $0 == 63
        }
    }
}
