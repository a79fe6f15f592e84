import KlineSyncCore

/// Which bars of one series exist, and Binance's ways of picking a page of them.
///
/// A bar exists when it opens in the instrument's trading range (from the bar containing the listing, before the
/// delisting, not after now) and no outage covers all of it.
struct KlineSelection: Sendable {
    let interval: Interval
    /// Open times from the first possible bar (inclusive) to the end of trading (exclusive).
    let trading: TimeRange
    /// Outages applying to this symbol, sorted by start.
    let outages: [TimeRange]

    init(instrument: SimulatedInstrument, interval: Interval, outages: [Outage], now: Int64) {
        self.interval = interval
        trading = instrument.tradingRange(interval: interval, now: now)
        self.outages = outages.filter { $0.applies(to: instrument.symbol) }.map(\.range).sorted { $0.start < $1.start }
    }

    /// The outage covering the whole bar opening at `openTime`, if any.
    private func coveringOutage(_ openTime: Int64) -> TimeRange? {
        guard !outages.isEmpty else { return nil }
        let end = interval.next(openTime)
        return outages.first { $0.start <= openTime && end <= $0.end }
    }

    /// Whether the bar opening at `openTime` (aligned) exists.
    func exists(_ openTime: Int64) -> Bool {
        trading.contains(openTime) && coveringOutage(openTime) == nil
    }

    /// Up to `limit` bars opening at or after `start` and at or before `end`, oldest first.
    func forward(from start: Int64, through end: Int64, limit: Int) -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(min(limit, 1500))
        var t = max(interval.ceil(start), trading.start)
        let last = min(end, trading.end - 1)
        while t <= last && result.count < limit {
            if let outage = coveringOutage(t) {
                t = max(interval.next(t), interval.floor(outage.end))
                continue
            }
            result.append(t)
            t = interval.next(t)
        }
        return result
    }

    /// The newest `limit` bars opening at or before `end` and at or after `start`, oldest first.
    func backward(through end: Int64, from start: Int64, limit: Int) -> [Int64] {
        var result: [Int64] = []
        result.reserveCapacity(min(limit, 1500))
        let last = min(end, trading.end - 1)
        guard last >= trading.start else { return [] }
        var t = interval.floor(last)
        let first = max(start, trading.start)
        while t >= first && result.count < limit {
            if let outage = coveringOutage(t) {
                t = min(interval.previous(t), interval.floor(outage.start - 1))
                continue
            }
            result.append(t)
            t = interval.previous(t)
        }
        return result.reversed()
    }
}
