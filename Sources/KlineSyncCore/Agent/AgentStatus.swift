/// The agent's state as `GET /status` shows it (snake_case JSON through `JSONCoding`).
public struct AgentStatus: Sendable, Hashable, Codable {
    /// `starting` (no cycle finished yet), `running`, or `stopping` (a signal asked the agent to end).
    public var state: State
    /// What `GET /healthz` answers: the last cycle succeeded, or only one failed since the last success.
    public var healthy: Bool
    /// The manifest in use and how its last reload went.
    public var manifest: ManifestState
    /// Counts and times of the cycles.
    public var cycles: Cycles
    /// The last finished cycle's report summary; nil before the first.
    public var lastCycle: CycleSummary?
    /// Every series the manifest keeps fresh, with its lag.
    public var series: [SeriesLag]

    /// A status with these parts.
    public init(
        state: State, healthy: Bool, manifest: ManifestState, cycles: Cycles, lastCycle: CycleSummary?,
        series: [SeriesLag]
    ) {
        self.state = state
        self.healthy = healthy
        self.manifest = manifest
        self.cycles = cycles
        self.lastCycle = lastCycle
        self.series = series
    }

    /// The agent's phase.
    public enum State: String, Sendable, Hashable, Codable {
        case starting
        case running
        case stopping
    }

    /// The manifest in use, and the last reload attempt.
    public struct ManifestState: Sendable, Hashable, Codable {
        public var path: String
        /// Digest of the manifest in use (the report's `manifest.digest`).
        public var digest: String
        /// The shortest interval, whose closes trigger cycles.
        public var scheduleInterval: String
        /// `ok`, or `error` when the last reload found an invalid manifest (the previous one keeps running).
        public var reload: String
        /// The problems of the rejected manifest, when `reload` is `error`.
        public var reloadError: String?
        /// When the last reload was attempted (RFC 3339), if one was.
        public var lastReloadAt: String?
        /// Invalid manifests seen since the agent started.
        public var reloadErrors: Int

        /// The manifest state with these values.
        public init(
            path: String, digest: String, scheduleInterval: String, reload: String, reloadError: String?,
            lastReloadAt: String?, reloadErrors: Int
        ) {
            self.path = path
            self.digest = digest
            self.scheduleInterval = scheduleInterval
            self.reload = reload
            self.reloadError = reloadError
            self.lastReloadAt = lastReloadAt
            self.reloadErrors = reloadErrors
        }
    }

    /// Counts and times of the cycles.
    public struct Cycles: Sendable, Hashable, Codable {
        public var total: Int = 0
        public var ok: Int = 0
        public var partial: Int = 0
        public var failed: Int = 0
        /// Cycles that did not succeed since the last one that did.
        public var consecutiveFailures: Int = 0
        /// When the last successful cycle finished (RFC 3339).
        public var lastSuccessAt: String?
        /// When the next cycle is due (server time, RFC 3339).
        public var nextCycleAt: String?

        /// No cycle yet.
        public init() {}
    }

    /// One cycle, from its report.
    public struct CycleSummary: Sendable, Hashable, Codable {
        public var runId: String
        public var status: Report.Status
        public var startedAt: String
        public var finishedAt: String
        public var durationSeconds: Double
        /// The report's one-line summary.
        public var summary: String
        public var error: Report.ErrorInfo?
        public var totals: Report.Totals
        /// Symbols that failed, with their errors.
        public var failedSymbols: [FailedSymbol]
    }

    /// A symbol that failed in the last cycle.
    public struct FailedSymbol: Sendable, Hashable, Codable {
        public var symbol: String
        public var error: Report.ErrorInfo?
    }

    /// The freshness of one series.
    public struct SeriesLag: Sendable, Hashable, Codable {
        public var symbol: String
        public var dataset: String
        public var interval: String
        /// Close of the last stored bar (RFC 3339); nil when none is stored.
        public var lastClose: String?
        /// Server time minus that close, in seconds; nil when nothing is stored.
        public var lagSeconds: Double?

        /// The lag of one series.
        public init(symbol: String, dataset: String, interval: String, lastClose: String?, lagSeconds: Double?) {
            self.symbol = symbol
            self.dataset = dataset
            self.interval = interval
            self.lastClose = lastClose
            self.lagSeconds = lagSeconds
        }
    }
}

extension AgentStatus.CycleSummary {
    /// The summary of `report`.
    init(_ report: Report) {
        self.init(
            runId: report.runId, status: report.status, startedAt: report.startedAt, finishedAt: report.finishedAt,
            durationSeconds: report.durationSeconds, summary: report.summaryLine, error: report.error,
            totals: report.totals,
            failedSymbols: report.symbols.filter { $0.status == .failed }.map {
                AgentStatus.FailedSymbol(symbol: $0.symbol, error: $0.error)
            })
    }
}
