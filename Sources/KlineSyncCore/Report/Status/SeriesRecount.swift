/// One series recounted from its bars, against the counts the store maintains (`status --verify`).
///
/// Summaries, and so `plan` and `status`, trust the maintained count, first and last open time; bars deleted
/// behind klinesync's back make them drift. A recount finds the drift; a repair rewrites the maintained values so
/// the next plan sees the missing bars and fetches them again.
public struct SeriesRecount: Sendable, Hashable, Codable {
    public var key: SeriesKey
    /// What the store's maintained counters said.
    public var maintained: Coverage
    /// What the bars themselves hold.
    public var counted: Coverage

    /// A recount of `key`.
    public init(key: SeriesKey, maintained: Coverage, counted: Coverage) {
        self.key = key
        self.maintained = maintained
        self.counted = counted
    }

    /// Whether the maintained counters disagree with the bars.
    public var drifted: Bool { maintained != counted }

    /// Bar count and first and last open time (ms) of a series.
    public struct Coverage: Sendable, Hashable, Codable {
        public var bars: Int64
        public var first: Int64?
        public var last: Int64?

        /// A coverage with these values.
        public init(bars: Int64, first: Int64?, last: Int64?) {
            self.bars = bars
            self.first = first
            self.last = last
        }

        /// `1440 bars 2024-06-01 00:00…2024-06-30 23:00`, or `no bars`.
        public var text: String {
            guard bars > 0, let first, let last else { return bars == 0 ? "no bars" : "\(bars) bars" }
            return "\(bars) bar\(bars == 1 ? "" : "s") \(Timestamp.short(first))…\(Timestamp.short(last))"
        }
    }
}
