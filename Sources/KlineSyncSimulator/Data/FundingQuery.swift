import KlineSyncCore

/// A parsed, validated `fundingRate` request.
///
/// Binance's rules: `limit` 100 by default, at most 1000; with `startTime` the oldest events from it (up to
/// `endTime` when given), otherwise the newest up to `endTime` or now; oldest first. The simulator requires
/// `symbol` (Binance answers the latest rows of every symbol without it; klinesync always sends one).
struct FundingQuery: Sendable {
    var instrument: SimulatedInstrument
    var startTime: Int64?
    var endTime: Int64?
    var limit: Int

    static let defaultLimit = 100
    static let maxLimit = 1000

    /// Validates parameters in Binance's order: symbol, limit, times.
    init(parameters: [Substring: Substring], universe: Universe) throws(APIError) {
        guard let symbol = parameters["symbol"], !symbol.isEmpty else { throw .missing("symbol") }
        guard let instrument = universe[String(symbol)] else { throw .invalidSymbol }
        self.instrument = instrument
        limit = Self.defaultLimit
        if let text = parameters["limit"] {
            guard let value = Int(text) else { throw .illegal("limit", "^[0-9]{1,20}$") }
            guard value >= 1 && value <= Self.maxLimit else { throw .invalidLimit }
            limit = value
        }
        startTime = try Self.time(parameters, "startTime")
        endTime = try Self.time(parameters, "endTime")
        if let s = startTime, let e = endTime, s > e { throw .startAfterEnd }
    }

    private static func time(_ parameters: [Substring: Substring], _ name: String) throws(APIError) -> Int64? {
        guard let text = parameters[Substring(name)] else { return nil }
        guard let value = Int64(text) else { throw .illegal(name, "^[0-9]{1,20}$") }
        return value
    }

    /// The events Binance returns for this query as of `now`.
    func events(_ schedule: FundingSchedule, now: Int64) -> [FundingEvent] {
        if let start = startTime {
            return schedule.forward(from: start, through: endTime ?? .max, limit: limit, now: now)
        }
        return schedule.backward(through: endTime ?? now, limit: limit, now: now)
    }
}
