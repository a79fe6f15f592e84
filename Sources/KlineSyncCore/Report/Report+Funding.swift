extension Report {
    /// One symbol's funding history in a run (DESIGN §9).
    public struct FundingReport: Sendable, Hashable, Codable {
        public var actions: [ActionKind]
        /// Ranges of funding times fetched, as RFC 3339 `[start, end)` pairs.
        public var ranges: [RangeText]
        public var eventsFetched: Int = 0
        public var eventsInserted: Int = 0
        public var eventsUpdated: Int = 0
        /// Requests to the funding endpoint (its own limit; they use no kline weight).
        public var requests: Int = 0
        public var retries: Int = 0
        public var durationMs: Int = 0
        public var error: ErrorInfo?

        /// The report of a funding plan before anything ran.
        public init(_ plan: FundingPlan) {
            actions = plan.actions.map(\.kind)
            ranges = plan.fetchRanges.map(RangeText.init)
        }
    }

    /// The funding part of a run's totals; nil when no symbol's funding was planned.
    public struct FundingTotals: Sendable, Hashable, Codable {
        /// Symbols whose funding history was worked on.
        public var symbols: Int = 0
        public var requests: Int = 0
        public var retries: Int = 0
        public var eventsFetched: Int = 0
        public var eventsInserted: Int = 0
        public var eventsUpdated: Int = 0

        public init() {}

        mutating func add(_ report: FundingReport) {
            symbols += 1
            requests += report.requests
            retries += report.retries
            eventsFetched += report.eventsFetched
            eventsInserted += report.eventsInserted
            eventsUpdated += report.eventsUpdated
        }
    }
}
