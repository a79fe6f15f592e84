import KlineSyncCore

/// Everything that shapes a simulator: market, universe, data seed, time, pacing rules and faults.
///
/// The same configuration (with a fixed or offset clock) always serves the same bars.
public struct SimulatorConfiguration: Sendable {
    /// The market served: its paths, limits, weights and symbol shapes.
    public var market: Market
    /// Seed of every generated value; two simulators with the same seed serve the same bars.
    public var seed: UInt64
    /// Number of instruments in the universe.
    public var symbolCount: Int
    /// Which instruments the universe lists; ``UniverseKind/varied`` by default.
    public var universe: UniverseKind
    /// Fixed delay added to every response (ms).
    public var latencyMillis: Int
    /// Extra random delay, uniform in `0...jitterMillis`, added to every response (ms).
    public var jitterMillis: Int
    /// Request weight allowed per clock minute, advertised in exchangeInfo `rateLimits`.
    public var weightLimit: Int
    /// Fraction (0…1) of klines requests answered with a random 5xx.
    public var failRate: Double
    /// What the simulator believes "now" is.
    public var clock: SimulatorClock
    /// The clock the simulator's time runs on, in place of the machine's: the rate-limit minutes and bans (a fixed
    /// `clock` keeps ticking on it), and the `.real` and offset clocks. Its zero is the machine's time when the
    /// simulator starts. nil (the default) is the machine's clock; a test injects a manual clock shared with the
    /// client (`ElapsedClock(manual)`), so that minutes roll over only when it advances.
    public var ticks: ElapsedClock?
    /// Windows in which the exchange recorded no bars.
    public var outages: [Outage]
    /// Faults applied to successive klines requests, keyed by symbol name or glob (`*` for any symbol).
    public var faults: [String: [Fault]]
    /// How long an IP stays banned (HTTP 418) after ignoring 429s (ms, on the simulator's clock).
    public var banDurationMillis: Int64
    /// How many 429 answers one clock minute may see before the next request is banned (418). The default, 8, is
    /// klinesync's default concurrency: a client that stops sending at its first 429 is not banned for the requests
    /// it already had in flight, one that keeps sending is.
    public var requestsBeforeBan: Int
    /// When archive files (`/data/…`) appear after their period: monthly files on the 3rd of the next month, daily
    /// files at 06:00 UTC the next day by default.
    public var archivePublication: ArchivePublication
    /// Scripted misbehaviour of the archive files of matching symbols (every file, every time).
    public var archiveFaults: [ArchiveFault]
    /// Bytes of generated zips kept in memory (least recently used first out; digests are always kept); 256 MiB by
    /// default, about 200 monthly `1m` files.
    public var archiveCacheBytes: Int
    /// A directory keeping generated zips across runs (nil: memory only). Files are named by everything their bytes
    /// depend on, so one directory serves any configuration; nothing in it is ever deleted.
    public var archiveCacheDirectory: String?
    /// USD-M funding-history requests (`fundingRate` and `fundingInfo` together) allowed per five-minute window of
    /// the rate-limit clock; 500 as on Binance. Past it: 429 with `Retry-After`.
    public var fundingRequestLimit: Int

    /// A configuration with Binance's defaults for `market`.
    ///
    /// - Parameters:
    ///   - market: The market to serve.
    ///   - seed: Data seed.
    ///   - symbolCount: Instruments in the universe.
    ///   - universe: Which instruments the universe lists.
    ///   - weightLimit: Weight per minute; the market's documented limit when nil (spot 6000, USD-M 2400,
    ///     COIN-M 6000).
    ///   - clock: The simulator's "now"; the real clock by default.
    ///   - ticks: The clock time runs on; the machine's by default.
    public init(
        market: Market = .usdm, seed: UInt64 = 42, symbolCount: Int = 50, universe: UniverseKind = .varied,
        latencyMillis: Int = 0, jitterMillis: Int = 0, weightLimit: Int? = nil, failRate: Double = 0,
        clock: SimulatorClock = .real, ticks: ElapsedClock? = nil,
        outages: [Outage] = [], faults: [String: [Fault]] = [:], banDurationMillis: Int64 = 120_000,
        requestsBeforeBan: Int = 8, archivePublication: ArchivePublication = .standard,
        archiveFaults: [ArchiveFault] = [], archiveCacheBytes: Int = 256 << 20, archiveCacheDirectory: String? = nil,
        fundingRequestLimit: Int = 500
    ) {
        self.market = market
        self.seed = seed
        self.symbolCount = symbolCount
        self.universe = universe
        self.latencyMillis = latencyMillis
        self.jitterMillis = jitterMillis
        self.weightLimit = weightLimit ?? market.documentedWeightLimit
        self.failRate = failRate
        self.clock = clock
        self.ticks = ticks
        self.outages = outages
        self.faults = faults
        self.banDurationMillis = banDurationMillis
        self.requestsBeforeBan = requestsBeforeBan
        self.archivePublication = archivePublication
        self.archiveFaults = archiveFaults
        self.archiveCacheBytes = archiveCacheBytes
        self.archiveCacheDirectory = archiveCacheDirectory
        self.fundingRequestLimit = fundingRequestLimit
    }
}

/// The simulator's notion of "now".
public enum SimulatorClock: Sendable, Hashable {
    /// The machine's clock.
    case real
    /// A frozen instant (ms since the epoch): server time, bars and the still-open bar stay put until the time is
    /// moved with ``RunningSimulator/setNow(_:)`` or ``RunningSimulator/advance(by:)``. Rate-limit minutes and bans
    /// start from this instant but keep ticking in real time, so long runs are paced as on Binance.
    case fixed(Int64)
    /// The machine's clock shifted by this many ms (negative: in the past).
    case offset(Int64)

    /// The current time on this clock, given the machine's time.
    public func now(real: Int64) -> Int64 {
        switch self {
        case .real: real
        case .fixed(let millis): millis
        case .offset(let delta): real + delta
        }
    }

    /// This clock moved forward by `millis` (a real clock becomes an offset one).
    public func advanced(by millis: Int64) -> SimulatorClock {
        switch self {
        case .real: .offset(millis)
        case .fixed(let t): .fixed(t + millis)
        case .offset(let delta): .offset(delta + millis)
        }
    }

    /// Parses `--now`: an RFC 3339 time, a date (`2024-01-01`), or a signed offset from the real clock
    /// (`-2h`, `+30m`, `-7d`, `-500ms`); `now` or `real` for the real clock.
    public static func parse(_ text: String) -> SimulatorClock? {
        if text == "now" || text == "real" { return .real }
        if let first = text.first, first == "+" || first == "-" {
            guard let millis = parseDuration(String(text.dropFirst())) else { return nil }
            return .offset(first == "-" ? -millis : millis)
        }
        return Timestamp.parse(text).map { .fixed($0) }
    }

    /// `500ms`, `30s`, `5m`, `12h`, `7d` in milliseconds.
    static func parseDuration(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Int64(text.dropLast(suffix.count)), value >= 0 else { continue }
            return value * factor
        }
        return nil
    }
}

/// A window in which the exchange has no bars, for one symbol glob or for every symbol.
///
/// A bar is missing when the outage covers all of it (`[open, next open)`); coarser bars that only partly
/// overlap an outage still exist.
public struct Outage: Sendable, Hashable {
    /// Symbols affected, as a glob (`*USDT`, `BTC*`); nil for all.
    public var symbols: String?
    /// The time range with no trading.
    public var range: TimeRange

    /// An outage of `range` for the symbols matching `symbols` (all when nil).
    public init(symbols: String? = nil, range: TimeRange) {
        self.symbols = symbols
        self.range = range
    }

    /// Whether the outage applies to `symbol`.
    public func applies(to symbol: String) -> Bool {
        guard let symbols else { return true }
        return Glob.matches(symbols, symbol)
    }
}
