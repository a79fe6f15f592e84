/// A `--force SYM[:INT]` selector from the command line: replace the whole window of matching series.
public struct ForceSelector: Sendable, Hashable, Codable {
    public var symbol: String
    public var interval: Interval?

    public init(symbol: String, interval: Interval?) {
        self.symbol = symbol
        self.interval = interval
    }

    /// Parses `BTCUSDT`, `BTC*:4h`; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, Glob.isValidPattern(parts[0]) else { return nil }
        symbol = parts[0]
        if parts.count == 2 {
            guard let interval = Interval(name: parts[1]) else { return nil }
            self.interval = interval
        } else {
            interval = nil
        }
    }

    func covers(symbol: String, interval: Interval) -> Bool {
        Glob.matches(self.symbol, symbol) && (self.interval == nil || self.interval == interval)
    }
}
