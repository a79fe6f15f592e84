/// Builds the `status` data of a market from a store.
public enum StatusReport {
    /// The status of every stored series on `market`, sorted by symbol then interval.
    ///
    /// Counts come from the store's summaries; gaps are looked up only for series whose count shows some; the
    /// digest reads every bar once, in batches.
    public static func build(store: any Store, market: Market) async throws -> [SeriesStatus] {
        var statuses: [SeriesStatus] = []
        for summary in try await store.summaries(market: market) {
            try Task.checkCancellation()
            let key = summary.key
            var gaps: [TimeRange] = []
            if summary.hasInteriorGaps { gaps = try await store.gaps(of: key) }
            let missing = gaps.reduce(Int64(0)) { $0 + key.interval.count(from: $1.start, to: $1.end) }
            let digest = try await store.digest(of: key)
            statuses.append(
                SeriesStatus(
                    key: key, firstOpenTime: summary.firstOpenTime, lastOpenTime: summary.lastOpenTime,
                    bars: summary.barCount, gaps: gaps.count, missingBars: missing, listingFloor: summary.listingFloor,
                    digest: digest))
        }
        return statuses.sorted {
            ($0.symbol, $0.interval, $0.dataset, $0.exchange) < ($1.symbol, $1.interval, $1.dataset, $1.exchange)
        }
    }

    /// The dataset digest of the series: `DigestBuilder.datasetDigest` over their keys and digests.
    public static func datasetDigest(_ series: [SeriesStatus]) -> String {
        DigestBuilder.datasetDigest(series.map { ($0.key, $0.digest) })
    }
}
