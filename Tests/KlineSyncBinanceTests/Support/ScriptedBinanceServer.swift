import Foundation
import KlineSyncCore

/// A Binance-compatible market-data server for client tests: deterministic klines for any window, exchangeInfo,
/// server time, Binance's weight accounting per minute (with `X-MBX-USED-WEIGHT-1M`, 429 and 418 escalation),
/// and scripted faults. Time follows an injected clock shared with the client.
final class ScriptedBinanceServer: @unchecked Sendable {
    /// A scripted answer for one matching request.
    enum Fault: Sendable {
        case status(Int, body: String)
        case tooManyRequests(retryAfter: Int?)
        case ban(seconds: Int)
        /// A 200 whose JSON body is cut in half.
        case truncated
        /// A 200 whose second row has 11 fields.
        case malformedRow
        /// A 200 whose first bar is shifted off the interval grid.
        case offGrid
    }

    /// One request as the server saw it.
    struct LoggedRequest: Sendable {
        var time: Int64
        var path: String
        var query: [String: String]
        var weight: Int
        var status: Int
        var usedAfter: Int
    }

    struct Configuration: Sendable {
        var market: Market
        var weightLimit = 2400
        /// Server time when the clock reads zero.
        var epoch: Int64 = 1_717_200_000_000
        /// Symbol → time of its first bar (listing).
        var symbols: [String: Int64] = ["BTCUSDT": 1_500_000_000_000, "ETHUSDT": 1_500_000_000_000]
        /// Weight an unseen other client on the same IP uses per minute, spread evenly.
        var otherClientWeightPerMinute = 0
        /// Share of klines requests answered 5xx at random (seeded).
        var serverErrorRate = 0.0
        var seed: UInt64 = 42
    }

    let configuration: Configuration
    let clock: ScaledClock
    private let lock = NSLock()
    private var used: [Int64: Int] = [:]
    private var faults: [(symbol: String?, fault: Fault)] = []
    private var bannedUntil: Int64?
    private var retryAfterUntil: Int64?
    private var retryAfterSetAt: Int64 = 0
    /// Requests arriving this long (ms) after a 429 was sent are not yet violations: they may have been in flight.
    var violationGrace: Int64 = 3000
    private var violations = 0
    private var random: SplitMix
    private var inFlight = 0
    private(set) var maxInFlight = 0
    private var peers: Set<Int> = []
    private(set) var log: [LoggedRequest] = []

    init(_ configuration: Configuration, clock: ScaledClock) {
        self.configuration = configuration
        self.clock = clock
        self.random = SplitMix(seed: configuration.seed)
    }

    var market: Market { configuration.market }

    /// The server's clock (ms).
    var now: Int64 {
        let (seconds, attoseconds) = clock.elapsed.components
        return configuration.epoch + seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Queues faults answered, in order, to the next klines requests (of `symbol`, when given).
    func script(_ faults: [Fault], symbol: String? = nil) {
        lock.withLock { self.faults += faults.map { (symbol, $0) } }
    }

    var requests: [LoggedRequest] { lock.withLock { log } }
    var klineRequests: [LoggedRequest] { requests.filter { $0.path.hasSuffix("/klines") } }
    var statusCounts: [Int: Int] { requests.reduce(into: [:]) { $0[$1.status, default: 0] += 1 } }
    /// Weight counted per server minute (ours and the other client's).
    var usedPerMinute: [Int64: Int] { lock.withLock { used } }
    var peakInFlight: Int { lock.withLock { maxInFlight } }
    /// TCP connections the server was asked on (distinct client ports).
    var connectionCount: Int { lock.withLock { peers.count } }

    /// The used weight of the minute containing `time`, including the other client's share so far.
    private func usedWeight(at time: Int64) -> Int {
        let minute = time / 60_000
        let other = Int(Int64(configuration.otherClientWeightPerMinute) * (time - minute * 60_000) / 60_000)
        return used[minute, default: 0] + other
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var usedWeight: Int
        var retryAfter: Int?
    }

    func begin(peer: Int?) {
        lock.withLock {
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            if let peer { peers.insert(peer) }
        }
    }

    func end() { lock.withLock { inFlight -= 1 } }

    /// Handles one request.
    func handle(path: String, query: [String: String]) -> Reply {
        let time = now
        let prefix = market.pathPrefix
        let weight: Int
        switch path {
        case prefix + "/time": weight = market.timeWeight
        case prefix + "/exchangeInfo": weight = market.exchangeInfoWeight
        case prefix + "/klines": weight = market.klineWeight(limit: Int(query["limit"] ?? "") ?? 500)
        default: return Reply(status: 404, body: "{\"code\":-1,\"msg\":\"not found\"}", usedWeight: 0)
        }
        return lock.withLock {
            var reply = admit(time: time, weight: weight) ?? route(path: path, query: query, time: time)
            if reply.status != 418 && reply.status != 429 { reply.usedWeight = usedWeight(at: time) }
            log.append(
                LoggedRequest(
                    time: time, path: path, query: query, weight: weight, status: reply.status,
                    usedAfter: reply.usedWeight))
            return reply
        }
    }

    /// Binance's gate: bans, Retry-After violations (two make a ban), the weight limit.
    private func admit(time: Int64, weight: Int) -> Reply? {
        if let bannedUntil, time < bannedUntil {
            return Reply(status: 418, body: banBody(bannedUntil), usedWeight: usedWeight(at: time))
        }
        if let retryAfterUntil, time < retryAfterUntil, time >= retryAfterSetAt + violationGrace {
            violations += 1
            if violations >= 2 {
                bannedUntil = time + 120_000
                return Reply(status: 418, body: banBody(bannedUntil!), usedWeight: usedWeight(at: time))
            }
        }
        let minute = time / 60_000
        if usedWeight(at: time) + weight > configuration.weightLimit {
            let seconds = Int((minute + 1) * 60_000 - time + 999) / 1000
            retryAfterUntil = time + Int64(seconds) * 1000
            retryAfterSetAt = time
            return Reply(
                status: 429, body: "{\"code\":-1003,\"msg\":\"Too many requests.\"}", usedWeight: usedWeight(at: time),
                retryAfter: seconds)
        }
        used[minute, default: 0] += weight
        return nil
    }

    private func banBody(_ until: Int64) -> String {
        "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until \(until). Please use the websocket for live updates to avoid bans.\"}"
    }

    private func route(path: String, query: [String: String], time: Int64) -> Reply {
        switch path {
        case market.pathPrefix + "/time": return Reply(status: 200, body: "{\"serverTime\":\(time)}", usedWeight: 0)
        case market.pathPrefix + "/exchangeInfo":
            return Reply(status: 200, body: exchangeInfoBody(time: time), usedWeight: 0)
        default: return klines(query: query, time: time)
        }
    }

    private func error(_ code: Int, _ message: String) -> Reply {
        Reply(status: 400, body: "{\"code\":\(code),\"msg\":\"\(message)\"}", usedWeight: 0)
    }

    private func klines(query: [String: String], time: Int64) -> Reply {
        guard let symbol = query["symbol"], let listing = configuration.symbols[symbol] else {
            return error(-1121, "Invalid symbol.")
        }
        guard let name = query["interval"], let interval = Interval(name: name), market.intervals.contains(interval)
        else {
            return error(-1120, "Invalid interval.")
        }
        let limit = Int(query["limit"] ?? "500") ?? -1
        guard limit >= 1 && limit <= market.maxKlineLimit else { return error(-1130, "Invalid limit.") }
        let start = Int64(query["startTime"] ?? "0") ?? 0
        let end = Int64(query["endTime"] ?? "") ?? time
        if market == .coinm, end - start > 200 * 86_400_000 {
            return error(-1127, "More than 200 days between startTime and endTime.")
        }
        if let index = faults.firstIndex(where: { $0.symbol == nil || $0.symbol == symbol }) {
            let fault = faults.remove(at: index).fault
            if let reply = apply(fault, symbol: symbol, interval: interval, start: start, time: time) { return reply }
        }
        if configuration.serverErrorRate > 0, random.nextDouble() < configuration.serverErrorRate {
            return Reply(status: random.next() % 2 == 0 ? 503 : 500, body: "Service Unavailable.", usedWeight: 0)
        }
        var openTimes: [Int64] = []
        var t = interval.ceil(max(start, listing))
        while t <= end && t <= time {
            openTimes.append(t)
            t = interval.next(t)
        }
        openTimes = market == .coinm ? Array(openTimes.suffix(limit)) : Array(openTimes.prefix(limit))
        return Reply(
            status: 200, body: SyntheticKlines.body(symbol: symbol, interval: interval, openTimes: openTimes),
            usedWeight: 0)
    }

    private func apply(_ fault: Fault, symbol: String, interval: Interval, start: Int64, time: Int64) -> Reply? {
        let first = interval.ceil(start)
        let rows = [first, interval.next(first)].map {
            SyntheticKlines.row(symbol: symbol, interval: interval, openTime: $0)
        }
        switch fault {
        case .status(let status, let body): return Reply(status: status, body: body, usedWeight: 0)
        case .tooManyRequests(let retryAfter):
            if let retryAfter {
                retryAfterUntil = time + Int64(retryAfter) * 1000
                retryAfterSetAt = time
            }
            return Reply(
                status: 429, body: "{\"code\":-1003,\"msg\":\"Too many requests.\"}", usedWeight: 0,
                retryAfter: retryAfter)
        case .ban(let seconds):
            bannedUntil = time + Int64(seconds) * 1000
            return Reply(status: 418, body: banBody(bannedUntil!), usedWeight: 0)
        case .truncated:
            let body = "[" + rows.joined(separator: ",") + "]"
            return Reply(status: 200, body: String(body.prefix(body.count / 2)), usedWeight: 0)
        case .malformedRow:
            let broken = rows[1].replacingOccurrences(of: ",\"0\"]", with: "]")
            return Reply(status: 200, body: "[" + rows[0] + "," + broken + "]", usedWeight: 0)
        case .offGrid:
            let shifted = SyntheticKlines.row(symbol: symbol, interval: interval, openTime: first + 1)
            return Reply(status: 200, body: "[" + shifted + "]", usedWeight: 0)
        }
    }

    /// Requests sent while a 429's Retry-After was running.
    var retryAfterViolations: Int { lock.withLock { violations } }
}

/// A small seeded generator, so fault sequences repeat.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
