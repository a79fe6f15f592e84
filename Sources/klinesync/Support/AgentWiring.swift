import AsyncHTTPClient
import Foundation
import KlineSyncBinance
import KlineSyncCore
import KlineSyncSimulator
import Logging
import Synchronization

/// The agent's exchange, database and report files: one Binance client per cycle (so its counters and pacing
/// record are that cycle's) over one shared HTTP client (so connections are reused), the embedded simulator kept
/// across cycles, and the last N report files.
final class AgentWiring: AgentEnvironment {
    private let httpClient = BinanceClient.makeHTTPClient(concurrency: 256)
    /// The archive's connections, shared by the cycles as the exchange's are.
    private let archiveHTTPClient = BinanceClient.makeHTTPClient(concurrency: 64)
    private let logger: Logger
    /// The embedded simulator and the settings it was started with; restarted when a reload changes them.
    private let simulator = Mutex<(settings: Manifest.SimulatorSettings, market: Market, running: RunningSimulator)?>(
        nil)

    init(logger: Logger) { self.logger = logger }

    func connect(_ manifest: Manifest) async throws -> AgentConnection {
        var baseURL = manifest.source.baseURL
        var endpoint: String?
        if let settings = manifest.source.simulator {
            let running = try await embeddedSimulator(settings, market: manifest.source.market)
            baseURL = running.baseURL
            endpoint = "embedded simulator at \(running.baseURL)"
        }
        let client = BinanceClient(
            market: manifest.source.market, baseURL: baseURL, pacing: manifest.pacing.client,
            retry: manifest.retry.policy, httpClient: httpClient, logger: logger)
        let archiveURL: String? =
            switch manifest.source.archiveSource {
            case .url(let url): url
            case .embedded: baseURL
            case nil: nil
            }
        let archive = archiveURL.map {
            BinanceArchive(
                baseURL: $0, concurrency: manifest.pacing.archiveConcurrency, retry: manifest.retry.policy,
                httpClient: archiveHTTPClient, logger: logger)
        }
        return AgentConnection(
            exchange: client, database: StoreOpener.connector(manifest.database), archive: archive,
            endpoint: endpoint ?? client.baseURL, close: { try? await client.shutdown() })
    }

    func cycleFinished(_ result: ApplyResult, manifest: Manifest, keep: Int) async {
        let file = ReportFile(path: manifest.report.path(runID: result.report.runId), requested: false)
        if result.failure != nil {
            file.writeFailure(result.report)
        } else {
            _ = file.write(result.report, recorded: result.recorded)
        }
        ReportRetention.prune(template: manifest.report.pathTemplate, keep: keep)
    }

    /// Stops the simulator and the HTTP client.
    func shutdown() async {
        let running = simulator.withLock { $0.take() }
        await running?.running.stop()
        try? await httpClient.shutdown()
        try? await archiveHTTPClient.shutdown()
    }

    /// The embedded simulator for these settings, started on first use (cycles never overlap, so no two calls race).
    private func embeddedSimulator(_ settings: Manifest.SimulatorSettings, market: Market) async throws
        -> RunningSimulator
    {
        let current = simulator.withLock { $0 }
        if let current, current.settings == settings, current.market == market { return current.running }
        if let current {
            simulator.withLock { $0 = nil }
            await current.running.stop()
        }
        let running = try await Simulator.start(Session.simulatorConfiguration(settings, market: market))
        simulator.withLock { $0 = (settings, market, running) }
        return running
    }
}
