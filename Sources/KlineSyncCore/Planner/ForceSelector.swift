/// A `--force SYM[:INT]` selector from the command line: replace the whole window of matching series.
public struct ForceSelector: Sendable, Hashable, Codable {
    public var symbol: String
    public var interval: Interval?
    /// nil = every dataset.
    public var dataset: Dataset?

    public init(symbol: String, interval: Interval?, dataset: Dataset? = nil) {
        self.symbol = symbol
        self.interval = interval
        self.dataset = dataset
    }

    /// Parses `BTCUSDT`, `BTC*:4h`, `BTCUSDT:1h:mark_price` (`*` as the interval: every interval); nil when
    /// malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3, Glob.isValidPattern(parts[0]) else { return nil }
        symbol = parts[0]
        interval = nil
        dataset = nil
        if parts.count >= 2, parts[1] != "*" {
            guard let interval = Interval(name: parts[1]) else { return nil }
            self.interval = interval
        }
        if parts.count == 3 {
            guard let dataset = Dataset(rawValue: parts[2]) else { return nil }
            self.dataset = dataset
        }
    }

    func covers(symbol: String, interval: Interval, dataset: Dataset = .klines) -> Bool {
        Glob.matches(self.symbol, symbol) && (self.interval == nil || self.interval == interval)
            && (self.dataset == nil || self.dataset == dataset)
    }
}
