/// The `--verify` part of `klinesync status`: every series recounted from its bars, and the ones whose maintained
/// counts had drifted (bars changed outside klinesync), which were repaired.
public struct StatusVerification: Codable, Sendable, Hashable {
    /// Series recounted.
    public var seriesChecked: Int
    /// Series whose maintained count, first or last open time disagreed with their bars.
    public var drifted: [Drift]
    /// Whether the drifted counts were rewritten from the bars.
    public var repaired: Bool

    /// The verification of `recounts`.
    public init(_ recounts: [SeriesRecount], repaired: Bool) {
        seriesChecked = recounts.count
        drifted = recounts.filter(\.drifted).map(Drift.init)
        self.repaired = repaired
    }

    /// One drifted series.
    public struct Drift: Codable, Sendable, Hashable {
        public var symbol: String
        public var interval: Interval
        public var maintained: Coverage
        public var counted: Coverage

        /// The drift of one recount.
        public init(_ recount: SeriesRecount) {
            symbol = recount.key.symbol
            interval = recount.key.interval
            maintained = Coverage(recount.maintained)
            counted = Coverage(recount.counted)
        }
    }

    /// Count and first and last open time (ms), every key present (`null` when there are no bars).
    public struct Coverage: Codable, Sendable, Hashable {
        public var bars: Int64
        public var firstOpenTime: Int64?
        public var lastOpenTime: Int64?

        init(_ coverage: SeriesRecount.Coverage) {
            bars = coverage.bars
            firstOpenTime = coverage.first
            lastOpenTime = coverage.last
        }

        enum CodingKeys: String, CodingKey {
            case bars
            case firstOpenTime = "first_open_time"
            case lastOpenTime = "last_open_time"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(bars, forKey: .bars)
            try container.encode(firstOpenTime, forKey: .firstOpenTime)
            try container.encode(lastOpenTime, forKey: .lastOpenTime)
        }

        var text: String {
            SeriesRecount.Coverage(bars: bars, first: firstOpenTime, last: lastOpenTime).text
        }
    }

    enum CodingKeys: String, CodingKey {
        case seriesChecked = "series_checked"
        case drifted, repaired
    }

    /// `Verified 24 series against their bars: 1 drifted …`, one line per drifted series after it.
    public var text: String {
        guard !drifted.isEmpty else {
            return "Verified \(seriesChecked) series against their bars: no drift.\n"
        }
        var lines = [
            "Verified \(seriesChecked) series against their bars: \(drifted.count) drifted (bars changed outside "
                + "klinesync)\(repaired ? "; their counts were repaired" : "")."
        ]
        for drift in drifted {
            lines.append(
                "  \(drift.symbol) \(drift.interval.name): counts said \(drift.maintained.text), the bars hold "
                    + "\(drift.counted.text)")
        }
        if repaired { lines.append("Run `klinesync plan` to see the fetch that restores the missing bars.") }
        return lines.joined(separator: "\n") + "\n"
    }
}
