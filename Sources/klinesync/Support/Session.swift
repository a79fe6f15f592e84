import Foundation
import KlineSyncBinance
import KlineSyncCore
import KlineSyncSimulator
import Logging

/// The exchange side of a run: the Binance client, and the embedded simulator when the manifest asks for one.
struct Session {
    let manifest: Manifest
    let client: BinanceClient
    let simulator: RunningSimulator?

    /// Starts the simulator if `base_url: embedded`, and a client for the market.
    static func start(_ manifest: Manifest, logger: Logger) async throws -> Session {
        var baseURL = manifest.source.baseURL
        var simulator: RunningSimulator?
        if let settings = manifest.source.simulator {
            let configuration = SimulatorConfiguration(
                market: manifest.source.market, seed: settings.seed, symbolCount: settings.symbols,
                universe: settings.universe == .established ? .established : .varied,
                latencyMillis: settings.latencyMillis, weightLimit: settings.weightLimit, failRate: settings.failRate,
                clock: settings.now.map { .fixed($0) } ?? .real)
            let running = try await Simulator.start(configuration)
            simulator = running
            baseURL = running.baseURL
        }
        let pacing = ClientPacing(
            weightPerMinute: manifest.pacing.weightPerMinute, concurrency: manifest.pacing.concurrency,
            requestDelay: .milliseconds(manifest.pacing.requestDelayMillis))
        let retry = RetryPolicy(
            maxAttempts: manifest.retry.maxAttempts, initialBackoff: .milliseconds(manifest.retry.initialBackoffMillis),
            maxBackoff: .milliseconds(manifest.retry.maxBackoffMillis),
            onBan: manifest.retry.onBan == .wait ? .wait : .stop)
        let client = BinanceClient(
            market: manifest.source.market, baseURL: baseURL, pacing: pacing, retry: retry, logger: logger)
        return Session(manifest: manifest, client: client, simulator: simulator)
    }

    /// Where requests go, for messages.
    var endpoint: String { simulator.map { "embedded simulator at \($0.baseURL)" } ?? client.baseURL }

    /// Reads the server time and the instrument list; every failure is a `CLIError.exchange` (nothing applied).
    func discover() async throws -> (serverTime: Int64, info: ExchangeInfo) {
        do {
            // exchangeInfo first: its answer gives the client the IP's limit before any request could wait on
            // weight that other processes on the IP already spent in this minute.
            let info = try await client.exchangeInfo()
            let time = try await client.serverTime()
            return (time, info)
        } catch let error as ExchangeError {
            throw CLIError.exchange("cannot read the exchange's instrument list from \(endpoint): \(error)")
        } catch {
            // The client's own words for a connection that never got an answer (they name the URL already).
            throw CLIError.exchange("\(error)")
        }
    }

    /// Shuts the client and the simulator down.
    func shutdown() async {
        try? await client.shutdown()
        await simulator?.stop()
    }
}

/// Errors the commands print as they are, then exit 1.
enum CLIError: Error, CustomStringConvertible, LocalizedError {
    case exchange(String)
    case database(String)
    case stalePlan(String)
    case input(String)

    var description: String {
        switch self {
        case .exchange(let message), .database(let message), .stalePlan(let message), .input(let message): message
        }
    }

    var errorDescription: String? { description }
}
