/// Binance's request-weight accounting for one IP: fixed one-minute buckets aligned to the clock, 429 past the
/// limit, and a ban (418) for a client that keeps sending while rate limited.
///
/// Choices, as Binance appears to behave: the weight of a request that gets 429 is still counted (the request
/// reached the server); requests answered 418 during a ban are not counted. Minutes and bans follow the simulator's
/// clock (a fixed clock ticks on in real time here, or on the injected `SimulatorConfiguration.ticks`; see
/// ``SimulatorClock/fixed(_:)``), so tests move them with ``RunningSimulator/advance(by:)`` or their manual clock.
struct WeightLimiter: Sendable {
    /// What to answer a request.
    enum Decision: Sendable, Equatable {
        /// Serve it; `used` is the minute's weight including this request.
        case allowed(used: Int)
        /// HTTP 429: the minute's weight is over the limit.
        case limited(used: Int, retryAfter: Int)
        /// HTTP 418: the IP is banned until the given time (ms).
        case banned(until: Int64, used: Int, retryAfter: Int)
    }

    let limit: Int
    let banDuration: Int64
    let requestsBeforeBan: Int
    private var minute: Int64 = .min
    /// Weight used in the current minute.
    private(set) var used = 0
    private var limitedAnswers = 0
    private var bannedUntil: Int64?

    init(limit: Int, banDuration: Int64, requestsBeforeBan: Int) {
        self.limit = limit
        self.banDuration = banDuration
        self.requestsBeforeBan = requestsBeforeBan
    }

    /// Weight used in the minute containing `now` (0 once a new minute starts).
    func used(at now: Int64) -> Int { Self.minute(of: now) == minute ? used : 0 }

    /// Accounts one request of `weight` at `now` and says how to answer it.
    mutating func admit(weight: Int, now: Int64) -> Decision {
        if let until = bannedUntil {
            if now < until {
                return .banned(until: until, used: used(at: now), retryAfter: Self.seconds(until - now))
            }
            bannedUntil = nil
            limitedAnswers = 0
        }
        let m = Self.minute(of: now)
        if m != minute {
            minute = m
            used = 0
            limitedAnswers = 0
        }
        used += weight
        guard used > limit else { return .allowed(used: used) }
        limitedAnswers += 1
        if limitedAnswers > requestsBeforeBan {
            let until = now + banDuration
            bannedUntil = until
            return .banned(until: until, used: used, retryAfter: Self.seconds(until - now))
        }
        return .limited(used: used, retryAfter: Self.seconds((m + 1) * 60_000 - now))
    }

    private static func minute(of now: Int64) -> Int64 { now >= 0 ? now / 60_000 : (now - 59_999) / 60_000 }

    private static func seconds(_ millis: Int64) -> Int { Int(max(1, (millis + 999) / 1000)) }
}
