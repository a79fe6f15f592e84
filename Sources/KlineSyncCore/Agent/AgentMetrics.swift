import CoreMetrics
import Synchronization

/// The agent's metrics, under the names DESIGN §10 fixes, sent through swift-metrics to the factory the host picks
/// (Prometheus in the CLI; a test factory in tests). Label sets are bounded: statuses, the manifest's intervals,
/// HTTP codes, and the series the manifest keeps (gauges of series that leave it are destroyed).
public final class AgentMetrics: Sendable {
    /// The dataset label of kline series (the only dataset this version syncs).
    public static let klinesDataset = "klines"

    /// The histogram of cycle durations; a host may give it its own buckets.
    public static let cycleDurationName = "klinesync_cycle_duration_seconds"

    private let factory: any MetricsFactory
    private let cycles: [Report.Status: Counter]
    private let cycleDuration: Timer
    private let weight: Counter
    private let rateLimited: Counter
    private let bans: Counter
    private let lastSuccess: Gauge
    private let reloadErrors: Counter
    private let fundingWritten: Counter
    private let labelled = Mutex(Labelled())

    /// Metrics made on demand, per label value.
    private struct Labelled {
        var barsWritten: [String: Counter] = [:]
        var requests: [String: Counter] = [:]
        var lags: [SeriesLagKey: Gauge] = [:]
    }

    /// Metrics in `factory`; the counters that exist from the start read 0 until they move.
    public init(factory: any MetricsFactory) {
        self.factory = factory
        var cycles: [Report.Status: Counter] = [:]
        for status in [Report.Status.ok, .partial, .failed] {
            cycles[status] = Counter(
                label: "klinesync_cycles_total", dimensions: [("status", status.rawValue)], factory: factory)
        }
        self.cycles = cycles
        cycleDuration = Timer(label: Self.cycleDurationName, dimensions: [], factory: factory)
        weight = Counter(label: "klinesync_request_weight_total", dimensions: [], factory: factory)
        rateLimited = Counter(label: "klinesync_rate_limited_total", dimensions: [], factory: factory)
        bans = Counter(label: "klinesync_bans_total", dimensions: [], factory: factory)
        lastSuccess = Gauge(label: "klinesync_last_success_timestamp_seconds", dimensions: [], factory: factory)
        reloadErrors = Counter(label: "klinesync_manifest_reload_errors_total", dimensions: [], factory: factory)
        fundingWritten = Counter(label: "klinesync_funding_events_written_total", dimensions: [], factory: factory)
    }

    /// Counts a finished cycle: its status and duration, the bars it wrote per interval, the funding events it wrote,
    /// its requests per answer
    /// code (`responses`; all under `unknown` when the exchange does not count them), weight, 429s and bans.
    func recordCycle(_ report: Report, duration: Duration, responses: [String: Int]?, finishedAt unixSeconds: Double) {
        cycles[report.status]?.increment()
        cycleDuration.recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds
                / 1_000_000_000)
        var written: [String: Int] = [:]
        for symbol in report.symbols {
            for series in symbol.series {
                let dataset = (series.dataset ?? .klines).rawValue
                written["\(dataset) \(series.interval)", default: 0] += series.barsInserted + series.barsUpdated
            }
        }
        // Archive files by outcome: `verified`, or the reason the file's range went to REST.
        var files: [String: Int] = [:]
        if let archive = report.totals.archive {
            files["verified"] = archive.filesVerified
            for (reason, count) in archive.fallbacks { files[reason, default: 0] += count }
        }
        let codes = responses ?? (report.totals.requests > 0 ? ["unknown": report.totals.requests] : [:])
        labelled.withLock { state in
            for (name, count) in written where count > 0 {
                let parts = name.split(separator: " ").map(String.init)
                counter(&state.barsWritten, name, label: "klinesync_bars_written_total") {
                    [("dataset", parts[0]), ("interval", parts[1])]
                }.increment(by: count)
            }
            for (outcome, count) in files where count > 0 {
                counter(&state.requests, "archive \(outcome)", label: "klinesync_requests_total") {
                    [("source", "archive"), ("code", outcome)]
                }.increment(by: count)
            }
            for (code, count) in codes where count > 0 {
                counter(&state.requests, code, label: "klinesync_requests_total") {
                    [("source", "rest"), ("code", code)]
                }.increment(by: count)
            }
        }
        if let funding = report.totals.funding, funding.eventsInserted + funding.eventsUpdated > 0 {
            fundingWritten.increment(by: funding.eventsInserted + funding.eventsUpdated)
        }
        if report.totals.weightUsed > 0 { weight.increment(by: report.totals.weightUsed) }
        if report.totals.rateLimited > 0 { rateLimited.increment(by: report.totals.rateLimited) }
        if report.totals.bans > 0 { bans.increment(by: report.totals.bans) }
        if report.status == .ok { lastSuccess.record(unixSeconds) }
    }

    /// Counts a manifest that failed to load on a reload.
    func recordReloadError() { reloadErrors.increment() }

    /// Sets the lag gauge of every series in `lags` (seconds; series with no stored bar get none) and destroys
    /// the gauges of series no longer listed.
    func recordLags(_ lags: [SeriesLagKey: Double]) {
        let stale: [Gauge] = labelled.withLock { state in
            for (key, seconds) in lags {
                let gauge =
                    state.lags[key]
                    ?? Gauge(
                        label: "klinesync_series_lag_seconds",
                        dimensions: [("symbol", key.symbol), ("dataset", key.dataset), ("interval", key.interval)],
                        factory: factory)
                state.lags[key] = gauge
                gauge.record(seconds)
            }
            let gone = state.lags.keys.filter { lags[$0] == nil }
            return gone.compactMap { state.lags.removeValue(forKey: $0) }
        }
        for gauge in stale { gauge.destroy() }
    }

    private func counter(
        _ table: inout [String: Counter], _ key: String, label: String, dimensions: () -> [(String, String)]
    ) -> Counter {
        if let counter = table[key] { return counter }
        let counter = Counter(label: label, dimensions: dimensions(), factory: factory)
        table[key] = counter
        return counter
    }
}

/// One series' labels in `klinesync_series_lag_seconds`.
public struct SeriesLagKey: Sendable, Hashable, Comparable {
    public var symbol: String
    public var dataset: String
    public var interval: String

    /// The labels of one series.
    public init(symbol: String, dataset: String = AgentMetrics.klinesDataset, interval: String) {
        self.symbol = symbol
        self.dataset = dataset
        self.interval = interval
    }

    public static func < (lhs: SeriesLagKey, rhs: SeriesLagKey) -> Bool {
        (lhs.symbol, lhs.dataset, lhs.interval) < (rhs.symbol, rhs.dataset, rhs.interval)
    }
}
