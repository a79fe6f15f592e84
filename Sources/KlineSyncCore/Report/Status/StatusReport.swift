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

    /// The stored funding history of every symbol on `market` with events or a checked range, sorted by symbol,
    /// each with its digest (reads every event once). Spot has none.
    public static func buildFunding(store: any Store, market: Market) async throws -> [FundingStatus] {
        guard market.isFutures else { return [] }
        var statuses: [FundingStatus] = []
        for summary in try await store.fundingSummaries(market: market) {
            try Task.checkCancellation()
            statuses.append(
                FundingStatus(summary, digest: try await store.fundingDigest(market: market, symbol: summary.symbol)))
        }
        return statuses
    }

    /// The dataset digest of the series and funding histories: `DigestBuilder.datasetDigest` over their keys and
    /// digests.
    public static func datasetDigest(_ series: [SeriesStatus], funding: [FundingStatus] = []) -> String {
        DigestBuilder.datasetDigest(
            series.map { ($0.key, $0.digest) }, funding: funding.map { ($0.market, $0.symbol, $0.digest) })
    }
}
