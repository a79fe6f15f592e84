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

/// What to do when the exchange bans the IP (HTTP 418): the manifest's `retry.on_ban`.
public enum BanPolicy: String, Sendable, Hashable, Codable {
    /// Stop the run at once; send nothing more.
    case stop
    /// Send nothing until the ban ends, then carry on.
    case wait
}

/// How failed requests are retried: the manifest's `retry` section.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Attempts per request including the first (`max_attempts`); 1 means no retry.
    public var maxAttempts: Int
    /// Backoff before the first retry (`initial_backoff`); doubles on every further retry.
    public var initialBackoff: Duration
    /// Longest backoff (`max_backoff`).
    public var maxBackoff: Duration
    /// Behaviour on HTTP 418 (`on_ban`).
    public var onBan: BanPolicy

    public init(
        maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30),
        onBan: BanPolicy = .stop
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.onBan = onBan
    }

    /// The manifest defaults: 5 attempts, 500ms doubling up to 30s, stop on ban.
    public static let `default` = RetryPolicy()

    /// The backoff before retry number `retry` (1 for the first retry), without jitter: initial × 2^(retry−1),
    /// capped at `maxBackoff`.
    public func backoff(retry: Int) -> Duration {
        var delay = initialBackoff
        var step = 1
        while step < retry && delay < maxBackoff {
            delay *= 2
            step += 1
        }
        return min(delay, maxBackoff)
    }
}
