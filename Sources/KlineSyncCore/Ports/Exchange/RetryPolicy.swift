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
