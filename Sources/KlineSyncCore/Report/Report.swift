/// The JSON report of one `apply` (DESIGN §5), written even when the run fails.
public struct Report: Sendable, Hashable, Codable {
    public var formatVersion: String = "1"
    public var runId: String
    public var manifest: ManifestRef
    public var database: String
    public var exchange: String
    public var market: Market
    /// Server time (ms) the plan's horizon came from.
    public var serverTime: Int64?
    public var startedAt: String
    public var finishedAt: String
    public var durationSeconds: Double
    /// `ok` | `partial` | `failed`.
    public var status: Status
    /// Why the whole run failed or stopped early, if it did.
    public var error: ErrorInfo?
    public var interrupted: Bool
    public var totals: Totals
    /// How the run used the weight budget, minute by minute (absent when no request was sent).
    public var pacing: Pacing?
    public var symbols: [SymbolReport]

    /// The weight budget and what each clock minute of the exchange's accounting saw.
    public struct Pacing: Sendable, Hashable, Codable {
        /// The budget the client kept to.
        public var weightPerMinute: Int
        /// Every minute in which a request was sent or waited for the budget, in order.
        public var minutes: [Minute]

        public init(weightPerMinute: Int, minutes: [Minute]) {
            self.weightPerMinute = weightPerMinute
            self.minutes = minutes
        }

        public struct Minute: Sendable, Hashable, Codable {
            /// Start of the minute (server clock, RFC 3339).
            public var start: String
            /// Weight of the requests sent in it.
            public var weight: Int
            public var requests: Int
            /// Milliseconds requests spent waiting because this minute's budget was used up; above zero, the minute
            /// was rate-bound.
            public var waitedMs: Int

            public init(start: String, weight: Int, requests: Int, waitedMs: Int) {
                self.start = start
                self.weight = weight
                self.requests = requests
                self.waitedMs = waitedMs
            }
        }
    }

    public enum Status: String, Sendable, Hashable, Codable {
        case ok
        case partial
        case failed
    }

    public struct ManifestRef: Sendable, Hashable, Codable {
        public var path: String
        public var digest: String

        public init(path: String, digest: String) {
            self.path = path
            self.digest = digest
        }
    }

    /// An error with a stable code and a message for people.
    public struct ErrorInfo: Sendable, Hashable, Codable {
        public var code: ErrorCode
        public var message: String

        public init(code: ErrorCode, message: String) {
            self.code = code
            self.message = message
        }
    }

    public struct Totals: Sendable, Hashable, Codable {
        public var symbols: Int = 0
        public var symbolsOk: Int = 0
        public var symbolsFailed: Int = 0
        public var symbolsSkipped: Int = 0
        public var series: Int = 0
        public var requests: Int = 0
        public var weightUsed: Int = 0
        public var retries: Int = 0
        public var barsFetched: Int = 0
        public var barsInserted: Int = 0
        public var barsUpdated: Int = 0
        public var barsDeleted: Int = 0
        /// HTTP 429 answers the client received (zero in normal operation).
        public var rateLimited: Int = 0
        /// HTTP 418 answers the client received.
        public var bans: Int = 0
        /// What the archive gave (DESIGN §8); nil when no archive file was planned.
        public var archive: ArchiveTotals?
        /// What the funding requests gave (DESIGN §9); nil when no funding was planned.
        public var funding: FundingTotals?

        public init() {}
    }

    /// One symbol: committed (`ok`), rolled back (`failed`) or never started (`skipped`, after an interrupt or ban).
    public struct SymbolReport: Sendable, Hashable, Codable {
        public var symbol: String
        public var status: SymbolStatus
        public var error: ErrorInfo?
        public var durationMs: Int
        public var series: [SeriesReport]
        /// The symbol's funding history, when the plan had funding work for it.
        public var funding: FundingReport?

        public init(
            symbol: String, status: SymbolStatus, error: ErrorInfo?, durationMs: Int, series: [SeriesReport],
            funding: FundingReport? = nil
        ) {
            self.symbol = symbol
            self.status = status
            self.error = error
            self.durationMs = durationMs
            self.series = series
            self.funding = funding
        }
    }

    public enum SymbolStatus: String, Sendable, Hashable, Codable {
        case ok
        case failed
        case skipped
    }

    /// One series of a symbol.
    public struct SeriesReport: Sendable, Hashable, Codable {
        public var interval: String
        /// The dataset when it is not trade klines (`mark_price`, `index_price`, `premium_index`); nil for klines.
        public var dataset: Dataset?
        public var actions: [ActionKind]
        /// Ranges fetched or deleted, as RFC 3339 `[start, end)` pairs.
        public var ranges: [RangeText]
        public var barsFetched: Int = 0
        public var barsInserted: Int = 0
        public var barsUpdated: Int = 0
        public var barsDeleted: Int = 0
        public var requests: Int = 0
        public var weight: Int = 0
        public var retries: Int = 0
        public var durationMs: Int = 0
        public var listingFloor: String?
        public var confirmedEmpty: [RangeText] = []
        public var error: ErrorInfo?
        /// Archive files verified and used; nil when none was planned.
        public var archiveFiles: Int?
        /// Bytes of archive zips downloaded.
        public var archiveBytes: Int?
        /// HTTP requests to the archive (no weight).
        public var archiveRequests: Int?
        /// Archive files whose range went to REST, with the reason.
        public var archiveFallbacks: [ArchiveFallbackNote]?

        public init(interval: String, actions: [ActionKind], ranges: [RangeText]) {
            self.interval = interval
            self.actions = actions
            self.ranges = ranges
        }
    }

    /// A time range in RFC 3339 for reports.
    public struct RangeText: Sendable, Hashable, Codable {
        public var start: String
        public var end: String

        public init(_ range: TimeRange) {
            start = Timestamp.format(range.start)
            end = Timestamp.format(range.end)
        }
    }
}
