/// What other clients on the same IP use in the current exchange minute, as learnt from `X-MBX-USED-WEIGHT-1M`.
///
/// The header is the IP's running total for the minute; what this client reserved in the minute is known, so the
/// rest (`reported − ours`, never below zero) is other clients' weight so far: spent, whether its sender is still
/// running or was killed a moment ago. Whether it will grow is told by watching it: once this client's samples
/// span `trustedSpan`, the rate of growth beyond the sampling noise (weight of our requests still in flight, which
/// the server may not have counted yet) is the other clients' rate. Before that, the minute's weight so far is
/// extrapolated from the minute's start (at least 10 s), or the previous minute's rate is assumed, whichever is
/// higher. So a dead process's weight stops counting as a rate within seconds, and a steady one keeps room made.
struct OtherClientsWeight: Sendable {
    /// Samples must span this long (ms) before their growth is trusted as the others' rate.
    static let trustedSpan: Int64 = 5000

    /// Weight others used so far in the minute (the highest seen).
    private(set) var used = 0
    /// When (ms into the minute) `used` last grew.
    private var seenAt: Int64 = 0
    /// The first sample of the minute: when (ms into the minute) and what others had used by then.
    private var first: (at: Int64, used: Int)?
    /// The latest sample, ms into the minute.
    private var lastAt: Int64 = 0
    /// The most weight of ours that was in flight at a sample: how far a sample may fall short of the truth.
    private var noise = 0
    /// Weight of ours the server may count in this minute though we sent it in the last (see `roll`).
    private var possiblyOurs = 0
    /// The previous minute's rate (weight per minute), assumed until samples of this minute can be trusted.
    private var priorPerMinute = 0
    /// The previous minute's ``extrapolated(cap:)`` at its end, assumed early in a minute by that estimate.
    private var priorExtrapolated = 0

    /// Records one response's header: `reported` is the IP's total, `ours` what this client reserved in the minute,
    /// `unsettled` the weight of our other requests still in flight, `at` ms into the minute.
    mutating func observe(reported: Int, ours: Int, unsettled: Int, at: Int64) {
        let others = max(0, reported - ours)
        if first == nil { first = (at, others) }
        lastAt = max(lastAt, at)
        noise = max(noise, unsettled)
        if others > used {
            used = others
            seenAt = at
        }
    }

    /// Whether a sample showed other clients' weight in this minute.
    var isActive: Bool { used > 0 }

    /// Other clients' expected rate, in weight per minute.
    var perMinute: Int {
        if let first, lastAt - first.at >= Self.trustedSpan {
            // Growth that may be our own late requests arriving (`possiblyOurs`) is not a rate either.
            let growth = max(0, used - first.used - noise - possiblyOurs)
            return Int(Int64(growth) * 60_000 / (lastAt - first.at))
        }
        guard used > 0 else { return priorPerMinute }
        return max(priorPerMinute, Int(Int64(rated) * 60_000 / max(seenAt, 10_000)))
    }

    /// The part of `used` that may be a rate: not the weight of our own requests that the server may have counted
    /// in this minute although they were sent in the last one (`possiblyOurs`), which does not grow.
    var rated: Int { max(0, used - possiblyOurs) }

    /// The weight others are expected to have used by the end of the minute, `elapsed` ms into it (at most `cap`).
    func projected(elapsed: Int64, cap: Int) -> Int {
        let remaining = max(0, 60_000 - min(elapsed, 60_000))
        let total = Int64(used) + Int64(perMinute) * remaining / 60_000
        return Int(min(Int64(max(0, cap)), max(Int64(used), total)))
    }

    /// The cautious estimate for when the exchange's limit is unknown (nothing bounds ours plus others'): the
    /// minute's weight so far extrapolated from the minute's start (at least 10 s) to its end, or the previous
    /// minute's estimate, whichever is higher (at most `cap`).
    func extrapolated(cap: Int) -> Int {
        let rate = used > 0 ? Int64(rated) * 60_000 / max(seenAt, 10_000) : 0
        return Int(min(Int64(max(0, cap)), max(Int64(used), rate, Int64(priorExtrapolated))))
    }

    /// Starts the next minute: the rate seen carries over as a prior when `consecutive`, else nothing does.
    /// `possiblyOurs` is the weight of our requests sent shortly before the new minute and not counted in it by us.
    mutating func roll(consecutive: Bool, cap: Int, possiblyOurs: Int = 0) {
        let prior = consecutive ? perMinute : 0
        let extrapolation =
            consecutive ? min(cap, max(used, used > 0 ? Int(Int64(rated) * 60_000 / max(seenAt, 10_000)) : 0)) : 0
        self = OtherClientsWeight()
        priorPerMinute = prior
        priorExtrapolated = extrapolation
        self.possiblyOurs = possiblyOurs
    }
}
