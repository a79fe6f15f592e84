/// How fast the exchange client may send requests: the manifest's `pacing` section.
public struct ClientPacing: Sendable, Hashable, Codable {
    /// Request-weight budget per minute (`weight_per_minute`). Nil means half the exchange's advertised limit.
    /// The effective budget is never above the advertised limit.
    public var weightPerMinute: Int?
    /// Requests in flight at most, across every series of the run (`concurrency`).
    public var concurrency: Int
    /// Minimum gap between the start of two requests (`request_delay`).
    public var requestDelay: Duration

    public init(weightPerMinute: Int? = nil, concurrency: Int = 8, requestDelay: Duration = .zero) {
        self.weightPerMinute = weightPerMinute
        self.concurrency = concurrency
        self.requestDelay = requestDelay
    }

    /// The manifest defaults: half the advertised limit, 8 in flight, no delay.
    public static let `default` = ClientPacing()

    /// The budget for a given advertised limit: the configured one, or half the advertised one, never above it.
    public func budget(advertisedLimit: Int) -> Int {
        let configured = weightPerMinute ?? max(1, advertisedLimit / 2)
        return max(1, min(configured, advertisedLimit))
    }
}
