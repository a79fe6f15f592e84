import KlineSyncCore
import Logging

/// Paces every request of one client: a per-minute request-weight budget aligned to the exchange's minutes, a
/// bound on requests in flight, a minimum gap between requests, and pauses after 429 or 418.
///
/// Weight is reserved before a request is sent and counted in the exchange minute in which it is sent. Binance
/// resets its counter at each minute boundary of *its* clock, so the limiter keeps an estimate of the server time
/// (`synchronize(serverTime:)`) that lags the server slightly, never leads it. Requests still in flight or sent
/// just before a boundary are counted in the new minute too, since the server may count them there.
///
/// Every response's `X-MBX-USED-WEIGHT-1M` is the IP's running total; minus what this client reserved in the minute
/// it is other processes' weight (``OtherClientsWeight``: spent weight, and a rate only when it is seen to grow). What
/// this client may use in a minute is its budget, capped by the room the exchange leaves: once the exchange's limit
/// is known (given at creation, the market's documented limit for `BinanceClient`, and then `setExchangeLimit`
/// with the advertised one), never more than the limit minus what others already used (less a small guard),
/// and when others' projected weight leaves less than half the limit, still half of it (two klinesync processes
/// that yield so each keep to half together stay within the limit). A limiter that does not know the limit takes its
/// budget for all the IP has, and others' projected weight comes off it. A request waits for the next minute only
/// when that room is used up.
public actor RateLimiter {
    /// A reservation for one request; hand it back with `complete(_:usedWeight:)`.
    public struct Ticket: Sendable {
        let id: UInt64
        let weight: Int
        let minute: Int64
        let reservedAt: Duration
    }

    private let clock: ClientClock
    private let logger: Logger
    private var budget: Int
    /// The exchange's advertised limit per minute for the IP, once known.
    private var exchangeLimit: Int?
    private let concurrency: Int
    private let requestDelay: Duration
    /// Server time (ms) when the clock read zero; the limiter's estimate of the exchange's clock.
    private var epochMillis: Int64

    private var minute: Int64 = .min
    /// Weight reserved by this client in the current minute, including weight carried over a boundary.
    private var ours = 0
    /// Weight other clients on the IP used in the current minute, and their expected rate.
    private var others = OtherClientsWeight()
    /// Reservations of the current minute (server ms, weight), for the boundary carry.
    private var reservations: [(id: UInt64, at: Int64, weight: Int)] = []
    private var inFlight: [UInt64: Ticket] = [:]
    private var nextID: UInt64 = 0
    private var slotWaiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var lastSend: Duration?
    private var pausedUntil: Duration = .zero
    private var stoppedBy: ExchangeError?
    /// Slowest recent round trip, for the width of the boundary guard.
    private var slowestRoundTrip: Duration = .zero
    private var stats = ClientStats()

    /// Creates a limiter. `epochMillis` is the server time at which `clock` starts (refined by `synchronize`).
    /// A limiter keeping to `budget` per minute; `exchangeLimit` is the IP's limit per minute when already known
    /// (the market's documented one, until exchangeInfo advertises it).
    init(
        budget: Int, exchangeLimit: Int? = nil, concurrency: Int, requestDelay: Duration, clock: ClientClock,
        epochMillis: Int64, logger: Logger
    ) {
        self.budget = max(1, budget)
        self.exchangeLimit = exchangeLimit.map { max(1, $0) }
        self.concurrency = max(1, concurrency)
        self.requestDelay = requestDelay
        self.clock = clock
        self.epochMillis = epochMillis
        self.logger = logger
        stats.budget = self.budget
    }

    /// The counters so far.
    public var statistics: ClientStats { stats }

    /// Requests waiting for a free slot (for tests).
    var slotWaiterCount: Int { slotWaiters.count }

    /// Sets the budget per minute (after exchangeInfo told the advertised limit).
    public func setBudget(_ newBudget: Int) {
        budget = max(1, newBudget)
        stats.budget = budget
    }

    /// Sets the exchange's limit per minute for the IP (advertised in exchangeInfo), which bounds ours plus others'.
    public func setExchangeLimit(_ limit: Int) {
        exchangeLimit = max(1, limit)
    }

    /// Aligns the limiter's minutes with the exchange clock: `serverTime` was just read from a response.
    public func synchronize(serverTime: Int64) {
        epochMillis = serverTime - clock.now().millis
    }

    /// Waits until a request of `weight` may be sent, then reserves it. Throws `ExchangeError.banned` when a ban
    /// stopped the client, or `CancellationError`.
    public func acquire(weight: Int) async throws -> Ticket {
        do {
            let ticket = try await acquireSlot(weight: weight)
            handOffSlot()
            return ticket
        } catch {
            handOffSlot()
            throw error
        }
    }

    private func acquireSlot(weight: Int) async throws -> Ticket {
        let started = clock.now()
        var waited = false
        while true {
            if let stoppedBy { throw stoppedBy }
            try Task.checkCancellation()
            let now = clock.now()
            roll(now: now)
            let wakeAt: Duration
            if now < pausedUntil {
                wakeAt = pausedUntil
            } else if inFlight.count >= concurrency {
                waited = true
                try await waitForSlot()
                continue
            } else if let lastSend, now < lastSend + requestDelay {
                wakeAt = lastSend + requestDelay
            } else if ours + min(weight, budget) > allowance(now: now) {
                wakeAt = clockTime(ofServerMillis: (minute + 1) * 60_000)
                stats.minutes[minute, default: .init()].budgetWait += wakeAt - now
            } else {
                return reserve(weight: weight, now: now, waitedSince: waited ? started : nil)
            }
            waited = true
            handOffSlot()
            try await clock.sleep(until: wakeAt)
        }
    }

    /// Reserves a request of `weight` when it may be sent at once (nothing to wait for), else returns nil.
    func tryAcquire(weight: Int) -> Ticket? {
        let now = clock.now()
        roll(now: now)
        guard stoppedBy == nil, now >= pausedUntil, inFlight.count < concurrency else { return nil }
        if let lastSend, now < lastSend + requestDelay { return nil }
        guard ours + min(weight, budget) <= allowance(now: now) else { return nil }
        return reserve(weight: weight, now: now, waitedSince: nil)
    }

    private func reserve(weight: Int, now: Duration, waitedSince: Duration?) -> Ticket {
        nextID &+= 1
        let ticket = Ticket(id: nextID, weight: weight, minute: minute, reservedAt: now)
        inFlight[ticket.id] = ticket
        ours += weight
        reservations.append((ticket.id, serverMillis(now), weight))
        lastSend = now
        stats.requests += 1
        stats.weight += weight
        stats.minutes[minute, default: .init()].weight += weight
        stats.minutes[minute, default: .init()].requests += 1
        if let waitedSince {
            stats.waits += 1
            stats.waitTime += now - waitedSince
        }
        return ticket
    }

    /// Hands back a reservation once its response (or failure) arrived, with the `X-MBX-USED-WEIGHT-1M` value.
    public func complete(_ ticket: Ticket, usedWeight: Int?) {
        guard inFlight.removeValue(forKey: ticket.id) != nil else { return }
        let now = clock.now()
        let roundTrip = now - ticket.reservedAt
        slowestRoundTrip = max(roundTrip, slowestRoundTrip * 0.98)
        roll(now: now)
        if let usedWeight {
            stats.lastReportedWeight = usedWeight
            stats.peakReportedWeight = max(stats.peakReportedWeight, usedWeight)
            if ticket.minute == minute {
                let before = others.used
                let unsettled = inFlight.values.reduce(0) { $0 + $1.weight }
                others.observe(
                    reported: usedWeight, ours: ours, unsettled: unsettled, at: serverMillis(now) - minute * 60_000)
                if others.used > before {
                    logger.debug(
                        "exchange counts more weight than this client used",
                        metadata: [
                            "used_weight": "\(usedWeight)", "ours": "\(ours)", "budget": "\(budget)",
                            "others_per_minute": "\(others.perMinute)",
                        ])
                }
            }
        }
        handOffSlot()
    }

    /// Records an HTTP 429: nothing is sent until `retryAfter` seconds have passed, or else until the next minute.
    /// The 429's own `X-MBX-USED-WEIGHT-1M` (handed to `complete`) keeps the rest of the minute paced.
    public func rateLimited(retryAfter: Int?) {
        stats.rateLimited += 1
        let now = clock.now()
        let until: Duration
        if let retryAfter {
            until = now + .seconds(max(0, retryAfter))
        } else {
            roll(now: now)
            until = clockTime(ofServerMillis: (minute + 1) * 60_000)
        }
        pausedUntil = max(pausedUntil, until)
        logger.warning(
            "rate limited by the exchange (HTTP 429); pausing",
            metadata: [
                "pause_ms": "\((until - now).millis)", "retry_after": "\(retryAfter.map(String.init) ?? "none")",
            ])
    }

    /// Records an HTTP 418. With `.stop`, every waiting and later `acquire` throws `error`; with `.wait`, nothing
    /// is sent until the ban ends (`until`, server ms; two minutes when unknown).
    public func banned(until: Int64?, policy: BanPolicy, error: ExchangeError) {
        stats.bans += 1
        stats.bannedUntil = max(stats.bannedUntil ?? 0, until ?? serverMillis(clock.now() + .seconds(120)))
        switch policy {
        case .stop:
            stoppedBy = error
            let waiters = slotWaiters
            slotWaiters.removeAll()
            for waiter in waiters { waiter.continuation.resume(throwing: error) }
        case .wait:
            let now = clock.now()
            let end = until.map { clockTime(ofServerMillis: $0) + .seconds(1) } ?? now + .seconds(120)
            pausedUntil = max(pausedUntil, end)
        }
        logger.error(
            "IP banned by the exchange (HTTP 418)",
            metadata: [
                "until": "\(until.map(Timestamp.format) ?? "unknown")", "on_ban": "\(policy.rawValue)",
            ])
    }

    /// Counts a retry (for the statistics).
    public func recordRetry() { stats.retries += 1 }

    // MARK: - Minutes

    private func serverMillis(_ time: Duration) -> Int64 { epochMillis + time.millis }

    private func clockTime(ofServerMillis millis: Int64) -> Duration { .milliseconds(millis - epochMillis) }

    /// Starts a new minute when the server clock passed a boundary, carrying weight the server may count in it.
    /// How far before a minute boundary our requests may be counted by the server after it (ms; at least, or four
    /// of the slowest recent round trips): see `roll`.
    static let lateWindowMillis: Int64 = 10_000

    private func roll(now: Duration) {
        let serverNow = serverMillis(now)
        let current = serverNow >= 0 ? serverNow / 60_000 : (serverNow - 59_999) / 60_000
        guard current != minute else { return }
        let guardMillis = max(Int64(1000), 2 * slowestRoundTrip.millis)
        let boundary = current * 60_000
        var carry = inFlight.values.reduce(0) { $0 + $1.weight }
        // Weight of ours sent in the last seconds before the boundary and not carried: a slow request may still
        // reach the server after it and be counted there, looking like other clients' weight.
        var late = 0
        if current == minute + 1 {
            let window = max(Self.lateWindowMillis, 4 * slowestRoundTrip.millis)
            for reservation in reservations where reservation.at >= boundary - window {
                guard inFlight[reservation.id] == nil else { continue }
                if reservation.at >= boundary - guardMillis {
                    carry += reservation.weight
                } else {
                    late += reservation.weight
                }
            }
        }
        others.roll(consecutive: current == minute + 1, cap: budget, possiblyOurs: late)
        minute = current
        ours = carry
        reservations.removeAll(keepingCapacity: true)
    }

    /// What this client may have reserved in the current minute: the budget, capped by the room the exchange's limit
    /// leaves beside other clients (see the type's notes).
    func allowance(now: Duration) -> Int {
        let elapsed = serverMillis(now) - minute * 60_000
        guard let limit = exchangeLimit else { return budget - others.extrapolated(cap: budget) }
        let guardWeight = others.isActive ? max(1, limit / 50) : 0
        let headroom = limit - others.rated - guardWeight
        let yielding = max(limit - others.projected(elapsed: elapsed, cap: limit), limit / 2)
        return min(budget, headroom, yielding)
    }

    // MARK: - Slots

    private func waitForSlot() async throws {
        nextID &+= 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                slotWaiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Wakes the longest-waiting request when a slot is free; each woken request passes the baton on in turn.
    private func handOffSlot() {
        if inFlight.count < concurrency && !slotWaiters.isEmpty { slotWaiters.removeFirst().continuation.resume() }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = slotWaiters.firstIndex(where: { $0.id == id }) else { return }
        slotWaiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
