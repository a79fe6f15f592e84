/// Which archive files to use for a range, by estimated time under the weight budget.
///
/// A file costs one round trip at the archive's concurrency (its `.CHECKSUM` is fetched beside it) and no weight.
/// REST costs its requests' round trips at the client's concurrency, plus, when the plan is paced by weight (its
/// REST weight needs more than a minute of budget), the minutes of budget its weight takes.
struct ArchiveChoice: Sendable {
    var planning: ArchivePlanning
    /// Whether REST alone would need more than one minute of budget.
    var weightBound: Bool
    var budget: Int
    var concurrency: Int

    /// Estimated seconds of REST requests.
    func seconds(requests: Int, weight: Int) -> Double {
        var time = Double(requests) * ArchivePlanning.roundTripSeconds / Double(max(1, concurrency))
        if weightBound { time += Double(weight) * 60 / Double(max(1, budget)) }
        return time
    }

    /// The files to fetch `range` with, out of `periods` (its candidate monthly and daily files): the monthly ones,
    /// the daily ones, both or none, whichever gives the least estimated time together with REST for the rest of the
    /// range (costed by `rest`). Empty when REST alone is fastest.
    func files(
        for range: TimeRange, among periods: [ArchivePeriod], rest: (TimeRange) -> (requests: Int, weight: Int)
    ) -> [ArchivePeriod] {
        guard !periods.isEmpty else { return [] }
        let monthly = periods.filter { $0.granularity == .monthly }
        let daily = periods.filter { $0.granularity == .daily }
        var best: [ArchivePeriod] = []
        var bestTime = time(range, files: [], rest: rest)
        for option in [monthly, daily, periods] where !option.isEmpty {
            let candidate = time(range, files: option, rest: rest)
            if candidate < bestTime {
                best = option
                bestTime = candidate
            }
        }
        return best.sorted()
    }

    /// Estimated seconds of fetching `range` with `files` and REST for the rest (the two run side by side across
    /// symbols, so they add up within one series).
    func time(_ range: TimeRange, files: [ArchivePeriod], rest: (TimeRange) -> (requests: Int, weight: Int)) -> Double {
        var requests = 0
        var weight = 0
        for piece in range.subtracting(files.map(\.range)) {
            let cost = rest(piece)
            requests += cost.requests
            weight += cost.weight
        }
        return planning.seconds(files: files.count) + seconds(requests: requests, weight: weight)
    }
}
