import Foundation
import KlineSyncCore
import Synchronization

/// The mutable side of a running simulator — clock, weight accounting, fault scripts, counters — behind one lock.
///
/// Every critical section is a few field updates, so a lock is cheaper than an actor hop on the request path.
final class SimulatorState: Sendable {
    /// What the responder learns when it admits a request.
    struct Admission: Sendable {
        var now: Int64
        var decision: WeightLimiter.Decision
        /// Sequence number of the request (0-based), for deterministic randomness.
        var sequence: UInt64
        /// The scripted fault to apply, if any (klines only, and only to served requests).
        var fault: Fault?
    }

    /// Everything the lock guards.
    private struct Books {
        var clock: SimulatorClock
        /// The machine's time when the clock was last set; a fixed clock's rate-limit time ticks on from there.
        var clockSetAt: Int64
        var limiter: WeightLimiter
        var fundingLimiter: FundingLimiter
        var scripts: [(pattern: String, faults: [Fault])]
        var counters = SimulatorCounters()

        /// The time weight minutes and bans run on: the clock itself, except that a fixed clock keeps ticking in
        /// real time from the instant it shows (its bars stay frozen, but a minute of requests still ends after a
        /// minute).
        func limiterNow(real: Int64) -> Int64 {
            if case .fixed(let t) = clock { return t + (real - clockSetAt) }
            return clock.now(real: real)
        }

        mutating func popFault(symbol: String) -> Fault? {
            for i in scripts.indices where !scripts[i].faults.isEmpty {
                if scripts[i].pattern == symbol || Glob.matches(scripts[i].pattern, symbol) {
                    return scripts[i].faults.removeFirst()
                }
            }
            return nil
        }
    }

    private let books: Mutex<Books>
    /// The machine's time in ms, or the injected clock's (`SimulatorConfiguration.ticks`) counted from the machine's
    /// time at start.
    private let realNow: @Sendable () -> Int64

    init(configuration: SimulatorConfiguration) {
        let start = Self.machineNow()
        if let ticks = configuration.ticks {
            realNow = { start + ticks.now().millis }
        } else {
            realNow = { Self.machineNow() }
        }
        books = Mutex(
            Books(
                clock: configuration.clock, clockSetAt: start,
                limiter: WeightLimiter(
                    limit: configuration.weightLimit, banDuration: configuration.banDurationMillis,
                    requestsBeforeBan: configuration.requestsBeforeBan),
                fundingLimiter: FundingLimiter(limit: configuration.fundingRequestLimit),
                scripts: configuration.faults.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }

    /// The machine's clock in ms.
    static func machineNow() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The simulator's current time.
    var now: Int64 {
        let real = realNow()
        return books.withLock { $0.clock.now(real: real) }
    }

    /// Replaces the clock.
    func setClock(_ newClock: SimulatorClock) {
        let real = realNow()
        books.withLock {
            $0.clock = newClock
            $0.clockSetAt = real
        }
    }

    /// Moves the clock forward.
    func advance(by millis: Int64) { books.withLock { $0.clock = $0.clock.advanced(by: millis) } }

    /// Accounts a request and decides how to answer it.
    func admit(weight: Int, symbol: Substring?) -> Admission {
        let real = realNow()
        return books.withLock { books in
            let now = books.clock.now(real: real)
            let decision = books.limiter.admit(weight: weight, now: books.limiterNow(real: real))
            let sequence = UInt64(books.counters.requests)
            books.counters.requests += 1
            if case .banned = decision {} else { books.counters.weightUsed += weight }
            var fault: Fault?
            if case .allowed = decision, let symbol {
                fault = books.popFault(symbol: String(symbol))
                if fault != nil { books.counters.faultsInjected += 1 }
            }
            return Admission(now: now, decision: decision, sequence: sequence, fault: fault)
        }
    }

    /// What the responder learns when it admits a USD-M funding-history request (`fundingRate`, `fundingInfo`).
    struct FundingAdmission: Sendable {
        var now: Int64
        var decision: FundingLimiter.Decision
        /// The weight used in the current minute (funding requests weigh nothing).
        var usedWeight: Int
    }

    /// Accounts a USD-M funding-history request against the funding limit (not against request weight).
    func admitFunding() -> FundingAdmission {
        let real = realNow()
        return books.withLock { books in
            let limiterNow = books.limiterNow(real: real)
            books.counters.requests += 1
            return FundingAdmission(
                now: books.clock.now(real: real), decision: books.fundingLimiter.admit(now: limiterNow),
                usedWeight: books.limiter.used(at: limiterNow))
        }
    }

    /// Funding-history requests counted in the current five-minute window.
    var fundingRequests: Int {
        let real = realNow()
        return books.withLock { books in books.fundingLimiter.count(at: books.limiterNow(real: real)) }
    }

    /// Queues faults for the next klines requests of symbols matching `pattern`.
    func script(pattern: String, faults: [Fault]) {
        books.withLock { books in
            if let i = books.scripts.firstIndex(where: { $0.pattern == pattern }) {
                books.scripts[i].faults.append(contentsOf: faults)
            } else {
                books.scripts.append((pattern, faults))
            }
        }
    }

    /// Drops every queued fault.
    func clearScripts() { books.withLock { $0.scripts.removeAll() } }

    /// Records the answer to a request.
    func record(status: Int, bars: Int = 0, randomFault: Bool = false) {
        books.withLock {
            $0.counters.byStatus[status, default: 0] += 1
            $0.counters.barsServed += bars
            if randomFault { $0.counters.faultsInjected += 1 }
        }
    }

    /// A snapshot of the counters.
    var snapshot: SimulatorCounters { books.withLock { $0.counters } }

    /// Weight used in the current minute.
    var usedWeight: Int {
        let real = realNow()
        return books.withLock { books in books.limiter.used(at: books.limiterNow(real: real)) }
    }
}
