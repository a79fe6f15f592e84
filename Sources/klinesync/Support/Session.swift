import Foundation
import KlineSyncBinance
import KlineSyncCore
import KlineSyncSimulator
import Logging

/// The exchange side of a run: the Binance client, and the embedded simulator when the manifest asks for one.
struct Session {
    let manifest: Manifest
    let client: BinanceClient
    /// The archive (DESIGN §8); nil with `archive: off`, or a custom `base_url` without `archive_url`.
    let archive: BinanceArchive?
    let simulator: RunningSimulator?
    /// The clock the client paces on; the executor takes it too (`Sync.clock`).
    let clock: ElapsedClock

    /// Starts the simulator if `base_url: embedded`, and a client for the market.
    static func start(_ manifest: Manifest, logger: Logger) async throws -> Session {
        var baseURL = manifest.source.baseURL
        var simulator: RunningSimulator?
        if let settings = manifest.source.simulator {
            let running = try await Simulator.start(simulatorConfiguration(settings, market: manifest.source.market))
            simulator = running
            baseURL = running.baseURL
        }
        let clock = ContinuousClock()
        let client = BinanceClient(
            market: manifest.source.market, baseURL: baseURL, pacing: manifest.pacing.client,
            retry: manifest.retry.policy, clock: clock, logger: logger)
        let archiveURL: String? =
            switch manifest.source.archiveSource {
            case .url(let url): url
            case .embedded: simulator?.baseURL
            case nil: nil
            }
        let archive = archiveURL.map {
            BinanceArchive(
                baseURL: $0, concurrency: manifest.pacing.archiveConcurrency, retry: manifest.retry.policy,
                clock: clock, logger: logger)
        }
        return Session(
            manifest: manifest, client: client, archive: archive, simulator: simulator, clock: ElapsedClock(clock))
    }

    /// The embedded simulator's configuration for `source.simulator`.
    static func simulatorConfiguration(_ settings: Manifest.SimulatorSettings, market: Market)
        -> SimulatorConfiguration
    {
        SimulatorConfiguration(
            market: market, seed: settings.seed, symbolCount: settings.symbols,
            universe: settings.universe == .established ? .established : .varied,
            latencyMillis: settings.latencyMillis, weightLimit: settings.weightLimit, failRate: settings.failRate,
            clock: settings.now.map { .fixed($0) } ?? .real)
    }

    /// Where requests go, for messages.
    var endpoint: String { simulator.map { "embedded simulator at \($0.baseURL)" } ?? client.baseURL }

    /// Shuts the client and the simulator down.
    func shutdown() async {
        try? await client.shutdown()
        try? await archive?.shutdown()
        await simulator?.stop()
    }
}
