/// The plan of one series.
public struct SeriesPlan: Sendable, Hashable, Codable {
    public var symbol: String
    public var interval: Interval
    /// The dataset when it is not trade klines (nil: klines; omitted from JSON).
    public var dataset: Dataset?
    /// The desired window `[start, end)` of open times, nil for retired series.
    public var desired: TimeRange?
    /// What was stored when planning.
    public var stored: StoredState?
    public var actions: [PlannedAction]
    /// Identifies the stored state the plan was made against (`apply PLAN` compares it).
    public var fingerprint: String

    /// Stored coverage of a series.
    public struct StoredState: Sendable, Hashable, Codable {
        public var first: Int64
        public var last: Int64
        public var bars: Int64
    }

    /// Whether applying changes anything for this series.
    public var hasChanges: Bool { actions.contains { $0.kind != .noop && $0.kind != .retire } }

    public var requests: Int { actions.reduce(0) { $0 + $1.requests } }
    public var weight: Int { actions.reduce(0) { $0 + $1.weight } }

    /// The series key on a market.
    public func key(market: Market) -> SeriesKey {
        SeriesKey(market: market, symbol: symbol, interval: interval, dataset: dataset ?? .klines)
    }

    /// The series' dataset (trade klines when `dataset` is nil).
    public var seriesDataset: Dataset { dataset ?? .klines }
}
