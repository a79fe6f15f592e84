/// The plan of one symbol's funding-rate history (DESIGN §9).
///
/// Funding times are not on a fixed grid (8h, 4h or 1h, changing over time), so the planner claims no gaps: it
/// keeps the range of funding times known complete (`FundingSummary.checked`) and extends or backfills it to the
/// wanted window. Actions are `create`, `extend`, `backfill` (each with the ranges to fetch; `bars` counts the
/// events expected at the longest interval, 8h), `retire` (funding is kept but no longer wanted) or `noop`.
public struct FundingPlan: Sendable, Hashable, Codable {
    public var symbol: String
    /// Wanted funding times `[start, end)`; nil when retired or when the window is empty (a symbol listed after
    /// `until`, say).
    public var desired: TimeRange?
    /// What was stored when planning.
    public var stored: StoredState?
    public var actions: [PlannedAction]
    /// Identifies the stored state the plan was made against (`apply PLAN` compares it).
    public var fingerprint: String

    /// Stored funding history of a symbol.
    public struct StoredState: Sendable, Hashable, Codable {
        public var events: Int64
        public var first: Int64?
        public var last: Int64?
        /// Funding times known complete.
        public var checked: TimeRange?
    }

    public init(
        symbol: String, desired: TimeRange?, stored: StoredState?, actions: [PlannedAction], fingerprint: String
    ) {
        self.symbol = symbol
        self.desired = desired
        self.stored = stored
        self.actions = actions
        self.fingerprint = fingerprint
    }

    /// Whether applying changes anything (retire changes nothing).
    public var hasChanges: Bool { actions.contains { $0.kind.fetches } }

    public var requests: Int { actions.reduce(0) { $0 + $1.requests } }

    /// The ranges to fetch, in order.
    public var fetchRanges: [TimeRange] {
        actions.filter(\.kind.fetches).flatMap(\.ranges).sorted { $0.start < $1.start }
    }
}
