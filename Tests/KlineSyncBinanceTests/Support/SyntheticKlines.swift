import KlineSyncCore

/// Deterministic kline rows for any symbol, interval and open time, in Binance's wire format.
enum SyntheticKlines {
    /// The JSON text of one row.
    static func row(symbol: String, interval: Interval, openTime: Int64) -> String {
        let seed = Int64(symbol.utf8.reduce(7) { ($0 &* 31 &+ Int($1)) & 0xFFFF })
        let step = openTime / 1000 &+ seed
        let base = 1000 + step % 997
        let cents = step % 100
        func price(_ offset: Int64) -> String { "\(base + offset).\(pad2(cents))000000" }
        let volume = "\(step % 5000).\(pad2(step % 89))000000"
        let close = interval.closeTime(ofBarOpeningAt: openTime)
        return "[\(openTime),\"\(price(0))\",\"\(price(3))\",\"\(price(-2))\",\"\(price(1))\",\"\(volume)\",\(close),"
            + "\"\(step % 700000).12345678\",\(step % 3000),\"\(step % 2500).5\",\"\(step % 350000).25\",\"0\"]"
    }

    private static func pad2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The JSON array of rows.
    static func body(symbol: String, interval: Interval, openTimes: [Int64]) -> String {
        "[" + openTimes.map { row(symbol: symbol, interval: interval, openTime: $0) }.joined(separator: ",") + "]"
    }
}
