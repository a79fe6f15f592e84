/// The funding-history request limit of USD-M futures: a number of requests per five-minute window per IP, shared
/// by `fundingRate` and `fundingInfo`, apart from request weight.
///
/// Windows are fixed five-minute buckets aligned to the clock (the same time as ``WeightLimiter``'s minutes). A
/// request past the limit is answered 429 with `Retry-After` (the seconds left in the window) and still counted;
/// there is no ban.
struct FundingLimiter: Sendable {
    /// What to answer a request.
    enum Decision: Sendable, Equatable {
        /// Serve it; `count` is the window's requests including this one.
        case allowed(count: Int)
        /// HTTP 429: the window is over the limit.
        case limited(count: Int, retryAfter: Int)
    }

    /// Length of a window (ms): five minutes.
    static let window: Int64 = 300_000

    let limit: Int
    private var bucket: Int64 = .min
    private var count = 0

    init(limit: Int) { self.limit = limit }

    /// Requests counted in the window containing `now`.
    func count(at now: Int64) -> Int { Self.bucket(of: now) == bucket ? count : 0 }

    /// Accounts one request at `now` and says how to answer it.
    mutating func admit(now: Int64) -> Decision {
        let b = Self.bucket(of: now)
        if b != bucket {
            bucket = b
            count = 0
        }
        count += 1
        guard count > limit else { return .allowed(count: count) }
        let left = (b + 1) * Self.window - now
        return .limited(count: count, retryAfter: Int(max(1, (left + 999) / 1000)))
    }

    private static func bucket(of now: Int64) -> Int64 {
        now >= 0 ? now / window : (now - window + 1) / window
    }
}
