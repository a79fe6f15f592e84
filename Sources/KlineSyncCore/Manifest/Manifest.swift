/// A parsed and validated klinesync manifest (format v1, DESIGN §2).
///
/// Load one with `Manifest.load(path:environment:)`; every problem in the file is reported at once as located
/// diagnostics. All relative paths are already resolved against the manifest's folder.
public struct Manifest: Sendable, Hashable {
    /// Format version; always 1.
    public var version: Int
    public var source: Source
    public var database: DatabaseLocation
    public var symbols: SymbolFilter
    /// Interval rules in the order the manifest lists them.
    public var intervals: [IntervalRule]
    /// `datasets`: the kline datasets every interval applies to, in the manifest's order; `[klines]` by default.
    public var datasets: [Dataset]
    /// `funding`: the funding-rate history to keep (futures only, DESIGN §9); nil keeps none.
    public var funding: FundingRule? = nil
    public var force: [ForceRule]
    public var prune: Bool
    public var pacing: Pacing
    public var retry: RetrySettings
    public var report: ReportSettings
    /// Absolute path of the manifest file.
    public var path: String
    /// Absolute path of the folder relative paths are resolved against.
    public var directory: String
    /// SHA-256 of the manifest's bytes.
    public var digest: String

    /// Where bars come from.
    public struct Source: Sendable, Hashable {
        /// Always `binance` in format v1.
        public var exchange: String
        public var market: Market
        /// REST base URL; `nil` means the market's production URL.
        public var baseURL: String?
        /// Set when `base_url: embedded`: the built-in simulator is started on loopback.
        public var simulator: SimulatorSettings?
        /// `archive`: whether closed history may come from archive files (DESIGN §8).
        public var archive: ArchiveMode = .auto
        /// `archive_url`: where the archive is; nil = the default for the base URL (`archiveSource`).
        public var archiveURL: String?

        /// The URL requests go to when the simulator is not used.
        public var effectiveBaseURL: String { baseURL ?? market.defaultBaseURL }

        /// Where archive files come from: nil with `archive: off`; `archive_url` when given; the embedded simulator
        /// with `base_url: embedded`; data.binance.vision for the production REST URL. A custom `base_url` without
        /// `archive_url` (a test server, a proxy, a testnet) gets none: its bars need not match the public archive.
        public var archiveSource: ArchiveLocation? {
            guard archive == .auto else { return nil }
            if let archiveURL { return .url(archiveURL) }
            if simulator != nil { return .embedded }
            return baseURL == nil ? .url(Manifest.defaultArchiveURL) : nil
        }
    }

    /// `https://data.binance.vision`, the archive of every market.
    public static let defaultArchiveURL = "https://data.binance.vision"

    /// `source.archive`.
    public enum ArchiveMode: String, Sendable, Hashable {
        /// Whole months and days of closed history come from archive files where the planner estimates that faster.
        case auto
        /// REST only.
        case off
    }

    /// Where the archive is.
    public enum ArchiveLocation: Sendable, Hashable {
        /// An archive base URL (`https://data.binance.vision`); files are under its `/data/`.
        case url(String)
        /// The embedded simulator's own port.
        case embedded
    }

    /// `source.simulator`: how the embedded simulator is configured.
    public struct SimulatorSettings: Sendable, Hashable {
        public var seed: UInt64 = 42
        public var symbols: Int = 20
        /// Fixed latency added to every response (ms).
        public var latencyMillis: Int = 0
        /// Fraction of klines requests answered with HTTP 5xx.
        public var failRate: Double = 0
        /// Advertised and enforced weight limit per minute; nil = the market's documented limit.
        public var weightLimit: Int?
        /// The simulator's clock: nil = real time, else this fixed time (ms).
        public var now: Int64?
        /// Which instruments it lists.
        public var universe: Universe = .varied

        /// `varied`: Binance's mix of old and new listings, delistings and quarterlies; `established`: only old,
        /// trading perpetuals (spot: USDT pairs), every series full.
        public enum Universe: String, Sendable, Hashable {
            case varied
            case established
        }

        public init() {}
    }

    /// `symbols`: which instruments form the universe.
    public struct SymbolFilter: Sendable, Hashable {
        public enum StatusFilter: String, Sendable, Hashable {
            /// Instruments trading now.
            case trading
            /// Every listed instrument, delisted included.
            case all
        }

        public var status: StatusFilter = .trading
        public var include: [String] = ["*"]
        public var exclude: [String] = []
        /// Futures only; nil = any.
        public var contractTypes: [String]?
        /// nil = any.
        public var quoteAssets: [String]?

        public init() {}

        /// Whether an instrument belongs to the universe this filter describes.
        public func matches(_ instrument: Instrument) -> Bool {
            if status == .trading && instrument.status != .trading { return false }
            guard include.contains(where: { Glob.matches($0, instrument.symbol) }) else { return false }
            if exclude.contains(where: { Glob.matches($0, instrument.symbol) }) { return false }
            if let types = contractTypes, !types.contains(instrument.contractType ?? "") { return false }
            if let quotes = quoteAssets, !quotes.contains(instrument.quoteAsset) { return false }
            return true
        }
    }

    /// The desired window of one interval.
    public struct IntervalRule: Sendable, Hashable {
        public var interval: Interval
        public var window: Window
        /// Optional end of the window (exclusive, ms): bars opening at or after it are not wanted.
        public var until: Int64?
    }

    /// `funding: { since | lookback | bars, until? }`: which funding events of every perpetual in the universe to keep.
    public struct FundingRule: Sendable, Hashable {
        /// `bars: N` keeps at least the latest N events: the window is N × 8h, the longest funding interval (a
        /// symbol funded every 4h or 1h gets more events over it).
        public var window: Window
        /// Optional end (exclusive, ms): events at or after it are not wanted.
        public var until: Int64?

        /// The longest funding interval Binance uses (8h), which sizes a `bars` window.
        public static let longestIntervalMillis: Int64 = 8 * 3_600_000
    }

    /// How far back an interval's bars are wanted.
    public enum Window: Sendable, Hashable {
        /// The latest N closed bars.
        case bars(Int)
        /// Every closed bar opening at or after this time (ms).
        case since(Int64)
        /// Closed bars opening within this many ms before the horizon.
        case lookback(Int64)
    }

    /// A rule that re-fetches and replaces stored bars on every run.
    public struct ForceRule: Sendable, Hashable {
        public var symbols: [String]
        /// nil = every interval of the manifest.
        public var intervals: [Interval]?
        public var range: ForceRange
        /// nil = every dataset of the manifest.
        public var datasets: [Dataset]? = nil

        /// Whether the rule covers a series.
        public func covers(symbol: String, interval: Interval, dataset: Dataset = .klines) -> Bool {
            symbols.contains(where: { Glob.matches($0, symbol) }) && (intervals?.contains(interval) ?? true)
                && (datasets?.contains(dataset) ?? true)
        }
    }

    /// Which bars a force rule replaces.
    public enum ForceRange: Sendable, Hashable {
        /// The whole desired window.
        case all
        /// The last N closed bars.
        case last(Int)
        /// Bars opening in `[from, to)` (ms).
        case between(from: Int64, to: Int64)
    }

    /// `pacing`: the request budget.
    public struct Pacing: Sendable, Hashable {
        /// Weight per minute; nil = half the exchange's advertised limit.
        public var weightPerMinute: Int?
        public var concurrency: Int = 8
        public var requestDelayMillis: Int64 = 0
        /// Archive downloads in flight at most.
        public var archiveConcurrency: Int = 16

        public init() {}

        /// What the exchange client keeps to.
        public var client: ClientPacing {
            ClientPacing(
                weightPerMinute: weightPerMinute, concurrency: concurrency,
                requestDelay: .milliseconds(requestDelayMillis))
        }
    }

    /// `retry`: how failed requests are retried.
    public struct RetrySettings: Sendable, Hashable {
        public var maxAttempts: Int = 5
        public var initialBackoffMillis: Int64 = 500
        public var maxBackoffMillis: Int64 = 30_000
        public var onBan: BanPolicy = .stop

        public init() {}

        /// What the exchange client retries by.
        public var policy: RetryPolicy {
            RetryPolicy(
                maxAttempts: maxAttempts, initialBackoff: .milliseconds(initialBackoffMillis),
                maxBackoff: .milliseconds(maxBackoffMillis), onBan: onBan)
        }
    }

    /// `report`: where the JSON report goes.
    public struct ReportSettings: Sendable, Hashable {
        /// Absolute path template; `{run_id}` is replaced by the run id.
        public var pathTemplate: String

        /// The report path for a run.
        public func path(runID: String) -> String {
            pathTemplate.replacingOccurrences(of: "{run_id}", with: runID)
        }
    }
}
