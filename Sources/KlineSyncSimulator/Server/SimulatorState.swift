import Foundation
import KlineSyncCore

/// The mutable side of a running simulator — clock, weight accounting, fault scripts, counters — behind one lock.
///
/// Every critical section is a few field updates, so a lock is cheaper than an actor hop on the request path.
final class SimulatorState: @unchecked Sendable {
    /// What the responder learns when it admits a request.
    struct Admission: Sendable {
        var now: Int64
        var decision: WeightLimiter.Decision
        /// Sequence number of the request (0-based), for deterministic randomness.
        var sequence: UInt64
        /// The scripted fault to apply, if any (klines only, and only to served requests).
        var fault: Fault?
    }

    private let lock = NSLock()
    private var clock: SimulatorClock
    /// The machine's time when the clock was last set; a fixed clock's rate-limit time ticks on from there.
    private var clockSetAt: Int64
    private var limiter: WeightLimiter
    private var scripts: [(pattern: String, faults: [Fault])]
    private var counters = SimulatorCounters()

    init(configuration: SimulatorConfiguration) {
        clock = configuration.clock
        clockSetAt = Self.realNow()
        limiter = WeightLimiter(
            limit: configuration.weightLimit, banDuration: configuration.banDurationMillis,
            requestsBeforeBan: configuration.requestsBeforeBan)
        scripts = configuration.faults.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// The machine's clock in ms.
    static func realNow() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The simulator's current time.
    var now: Int64 {
        let real = Self.realNow()
        return locked { clock.now(real: real) }
    }

    /// Replaces the clock.
    func setClock(_ newClock: SimulatorClock) {
        let real = Self.realNow()
        locked {
            clock = newClock
            clockSetAt = real
        }
    }

    /// The time weight minutes and bans run on: the clock itself, except that a fixed clock keeps ticking in real
    /// time from the instant it shows (its bars stay frozen, but a minute of requests still ends after a minute).
    private func limiterNow(real: Int64) -> Int64 {
        if case .fixed(let t) = clock { return t + (real - clockSetAt) }
        return clock.now(real: real)
    }

    /// Moves the clock forward.
    func advance(by millis: Int64) { locked { clock = clock.advanced(by: millis) } }

    /// Accounts a request and decides how to answer it.
    func admit(weight: Int, symbol: Substring?) -> Admission {
        let real = Self.realNow()
        return locked {
            let now = clock.now(real: real)
            let decision = limiter.admit(weight: weight, now: limiterNow(real: real))
            let sequence = UInt64(counters.requests)
            counters.requests += 1
            if case .banned = decision {} else { counters.weightUsed += weight }
            var fault: Fault?
            if case .allowed = decision, let symbol {
                fault = popFault(symbol: String(symbol))
                if fault != nil { counters.faultsInjected += 1 }
            }
            return Admission(now: now, decision: decision, sequence: sequence, fault: fault)
        }
    }

    private func popFault(symbol: String) -> Fault? {
        for i in scripts.indices where !scripts[i].faults.isEmpty {
            if scripts[i].pattern == symbol || Glob.matches(scripts[i].pattern, symbol) {
                return scripts[i].faults.removeFirst()
            }
        }
        return nil
    }

    /// Queues faults for the next klines requests of symbols matching `pattern`.
    func script(pattern: String, faults: [Fault]) {
        locked {
            if let i = scripts.firstIndex(where: { $0.pattern == pattern }) {
                scripts[i].faults.append(contentsOf: faults)
            } else {
                scripts.append((pattern, faults))
            }
        }
    }

    /// Drops every queued fault.
    func clearScripts() { locked { scripts.removeAll() } }

    /// Records the answer to a request.
    func record(status: Int, bars: Int = 0, randomFault: Bool = false) {
        locked {
            counters.byStatus[status, default: 0] += 1
            counters.barsServed += bars
            if randomFault { counters.faultsInjected += 1 }
        }
    }

    /// A snapshot of the counters.
    var snapshot: SimulatorCounters { locked { counters } }

    /// Weight used in the current minute.
    var usedWeight: Int {
        let real = Self.realNow()
        return locked { limiter.used(at: limiterNow(real: real)) }
    }
}
