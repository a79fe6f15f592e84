import KlineSyncCore

/// Checks one klines page against what was asked: grid, order, window and the close-time rule.
enum KlineValidator {
    /// Returns nil when every bar of `bars` opens on the `interval` grid, in strictly ascending order, within
    /// `[page.startTime, page.endTime]`, with close time = open time + interval − 1; else what is wrong.
    static func problem(in bars: [Bar], interval: Interval, page: Page) -> String? {
        guard bars.count <= page.limit else {
            return "\(bars.count) rows for a window of \(page.limit) bars"
        }
        var previous = Int64.min
        for (row, bar) in bars.enumerated() {
            let open = bar.openTime
            guard interval.isAligned(open) else {
                return "row \(row): open time \(open) is not on the \(interval.name) grid"
            }
            guard open > previous else {
                return "row \(row): open time \(open) does not ascend (previous \(previous))"
            }
            guard open >= page.startTime && open <= page.endTime else {
                return "row \(row): open time \(open) outside the window \(page.startTime)…\(page.endTime)"
            }
            let expectedClose = interval.closeTime(ofBarOpeningAt: open)
            guard bar.closeTime == expectedClose else {
                return "row \(row): close time \(bar.closeTime), expected \(expectedClose)"
            }
            guard bar.trades >= 0 else { return "row \(row): negative trade count" }
            previous = open
        }
        return nil
    }
}
