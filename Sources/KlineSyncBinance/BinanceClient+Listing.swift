import KlineSyncCore

extension BinanceClient {
    /// The first page of a fetch, fetched so that it finds the first bar, and the pages left to fetch after it.
    struct Lead: Sendable {
        /// What to hand over, in order: bars of the range (or none), with the requests and weight they cost.
        var outcomes: [Outcome<[Bar]>]
        /// The pages still to fetch.
        var rest: [Page]
    }

    /// Intervals whose pages span less than this are worth probing by day on COIN-M (a daily probe covers 200 days).
    static let probeWorthBelow: Int64 = 100 * 86_400_000

    /// Fetches the first of `pages` (two or more, covering one range) so that a range starting before the symbol's
    /// listing does not cost one empty page per window: see `fetchBars`. The first page is sent as planned; only
    /// when it is empty does a probe follow.
    func leadPage(
        pages: [Page], range: TimeRange, symbol: String, key: String = "symbol", interval: Interval,
        paging: Paging.Mode, path: String
    ) async throws -> Lead {
        let first = pages[0]
        let last = pages[pages.count - 1].endTime
        let outcome = try await fetchPage(first, symbol: symbol, key: key, interval: interval, path: path)
        guard outcome.value.isEmpty else { return Lead(outcomes: [outcome], rest: Array(pages.dropFirst())) }
        if market == .coinm {
            return try await coinMProbe(
                after: outcome, pages: pages, symbol: symbol, key: key, interval: interval, paging: paging, path: path)
        }
        // Spot and USD-M anchor at startTime: the next page's limit of bars anywhere in the rest of the range, from
        // its first bar (the listing) on; an empty answer means the range has no bar at all.
        let next = pages[1]
        let wide = Page(startTime: next.startTime, endTime: last, limit: next.limit, weight: next.weight)
        var probe = try await fetchPage(wide, symbol: symbol, key: key, interval: interval, path: path)
        guard let firstBar = probe.value.first else { return Lead(outcomes: [outcome, probe], rest: []) }
        // What came back covers `limit` slots from the first bar (all of them, gaps or not); page the rest from there.
        let covered = interval.advance(firstBar.openTime, by: Int64(next.limit))
        probe.value.removeAll { $0.openTime >= covered }
        let rest =
            covered > last
            ? []
            : Paging.pages(
                market: market, interval: interval, range: TimeRange(start: covered, end: last + 1), mode: paging)
        return Lead(outcomes: [outcome, probe], rest: rest)
    }

    /// COIN-M anchors at endTime within 200-day windows: after an empty first page of a fine interval, daily pages
    /// of 200 days find the listing day, and the range is paged from it.
    private func coinMProbe(
        after outcome: Outcome<[Bar]>, pages: [Page], symbol: String, key: String, interval: Interval,
        paging: Paging.Mode, path: String
    ) async throws -> Lead {
        let first = pages[0]
        let last = pages[pages.count - 1].endTime
        let span = Int64(first.limit) * (interval.fixedMillis ?? Self.probeWorthBelow)
        guard span < Self.probeWorthBelow, let day = Interval(name: "1d") else {
            return Lead(outcomes: [outcome], rest: Array(pages.dropFirst()))
        }
        var outcomes = [outcome]
        let from = first.endTime + 1
        let probes = Paging.pages(
            market: market, interval: day, range: TimeRange(start: day.floor(from), end: day.ceil(last + 1)))
        for probe in probes {
            let answer = try await fetchPage(probe, symbol: symbol, key: key, interval: day, path: path)
            // Daily bars only locate the listing; their cost counts, they are not bars of this interval.
            outcomes.append(Outcome(value: [], requests: answer.requests, weight: answer.weight))
            if let listingDay = answer.value.first?.openTime {
                let start = max(from, interval.ceil(listingDay))
                let rest =
                    start > last
                    ? []
                    : Paging.pages(
                        market: market, interval: interval, range: TimeRange(start: start, end: last + 1),
                        mode: paging)
                return Lead(outcomes: outcomes, rest: rest)
            }
        }
        return Lead(outcomes: outcomes, rest: [])
    }
}
