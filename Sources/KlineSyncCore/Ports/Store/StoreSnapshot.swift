/// What the planner needs from the database, read up front so the planner itself does no I/O.
///
/// Reads are O(series): summaries come from indexes; gaps are located only for series whose count does not
/// match their first-to-last grid.
public struct StoreSnapshot: Sendable {
    public var lineageID: String?
    public var summaries: [SeriesKey: SeriesSummary]
    /// Interior gaps, only for series whose count shows there are some.
    public var gaps: [SeriesKey: [TimeRange]]
    /// Funding summaries by symbol.
    public var funding: [String: FundingSummary]

    public init(
        lineageID: String?, summaries: [SeriesKey: SeriesSummary], gaps: [SeriesKey: [TimeRange]],
        funding: [String: FundingSummary] = [:]
    ) {
        self.lineageID = lineageID
        self.summaries = summaries
        self.gaps = gaps
        self.funding = funding
    }

    /// An empty database (or one that does not exist yet).
    public static let empty = StoreSnapshot(lineageID: nil, summaries: [:], gaps: [:])

    /// Reads the snapshot of `market` from a store.
    public static func load(from store: any Store, market: Market) async throws -> StoreSnapshot {
        let lineage = try await store.lineageID()
        var summaries: [SeriesKey: SeriesSummary] = [:]
        var gaps: [SeriesKey: [TimeRange]] = [:]
        for summary in try await store.summaries(market: market) {
            summaries[summary.key] = summary
            if summary.hasInteriorGaps { gaps[summary.key] = try await store.gaps(of: summary.key) }
        }
        var funding: [String: FundingSummary] = [:]
        if market.isFutures {
            for summary in try await store.fundingSummaries(market: market) { funding[summary.symbol] = summary }
        }
        return StoreSnapshot(lineageID: lineage, summaries: summaries, gaps: gaps, funding: funding)
    }
}
