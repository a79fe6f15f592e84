/// When the agent's cycles run: right after each close of the manifest's shortest interval, by the exchange's
/// clock, plus a settle delay; failed cycles are retried with the retry policy's backoff, never past the next
/// scheduled cycle. Pure arithmetic on server milliseconds, so it is tested without a clock.
public struct AgentSchedule: Sendable, Hashable {
    /// The interval whose closes trigger cycles (the manifest's shortest).
    public var interval: Interval
    /// How long after a close the cycle starts (ms), so the exchange has the closed bar.
    public var settleMillis: Int64

    /// A schedule on `interval`'s closes plus `settleMillis`.
    public init(interval: Interval, settleMillis: Int64) {
        self.interval = interval
        self.settleMillis = max(0, settleMillis)
    }

    /// The schedule of a manifest: its shortest interval (fixed windows included: their bars still close).
    public init(manifest: Manifest, settleMillis: Int64) {
        let shortest = manifest.intervals.map(\.interval).min() ?? Interval(name: "1m")!
        self.init(interval: shortest, settleMillis: settleMillis)
    }

    /// Server time (ms) of the next cycle after `serverTime`: the first close after it plus the settle delay.
    ///
    /// A close is the open time of the next bar. When `serverTime` lies in the settle window of a close (that
    /// close's cycle has not started yet), that cycle is the next one; a cycle that started early, before the close
    /// it was meant for, is followed by a cycle for that same close.
    public func nextCycle(after serverTime: Int64) -> Int64 {
        let lastClose = interval.floor(serverTime - settleMillis)
        return interval.next(lastClose) + settleMillis
    }

    /// The close (ms) the cycle starting at `serverTime` is meant to pick up: the last close at or before it.
    public func lastClose(atOrBefore serverTime: Int64) -> Int64 { interval.floor(serverTime) }

    /// The wait (ms) before retrying after `failures` failed cycles in a row (1 for the first): the policy's backoff
    /// for that retry, but no later than the next scheduled cycle, which is `untilNextCycle` ms away.
    public static func retryDelay(failures: Int, policy: RetryPolicy, untilNextCycle: Int64?) -> Int64 {
        let backoff = policy.backoff(retry: max(1, failures))
        let millis = backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000
        guard let untilNextCycle else { return millis }
        return max(0, min(millis, untilNextCycle))
    }
}
