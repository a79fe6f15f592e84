import Hummingbird
import Logging
import ServiceLifecycle

/// A Binance-compatible market-data server (spot `/api/v3`, USD-M `/fapi/v1` or COIN-M `/dapi/v1`: `klines`,
/// `exchangeInfo`, `time`, `ping`; on futures also `markPriceKlines`, `indexPriceKlines`, `premiumIndexKlines`,
/// `fundingRate`, and on USD-M `fundingInfo`; and the archive under `/data/`) with deterministic data, Binance's
/// weight accounting and injectable faults.
///
/// ```swift
/// let sim = try await Simulator.start(SimulatorConfiguration(market: .usdm, clock: .fixed(t)))
/// // talk to sim.baseURL over HTTP …
/// await sim.stop()
/// ```
///
/// Behaviour worth knowing:
/// - Every bar is a pure function of (seed, symbol, interval, open time), whatever the paging; the still-open
///   bar (the one containing now) also depends on now.
/// - Weight is counted per clock minute for all clients together, including requests answered 429; requests
///   answered 418 during a ban are not counted. Each response carries `x-mbx-used-weight-1m` (and
///   `x-mbx-used-weight`). After ``SimulatorConfiguration/requestsBeforeBan`` answers of 429 in one minute, the
///   next request starts a ban of ``SimulatorConfiguration/banDurationMillis``.
/// - Scripted faults and the random fail rate apply to requests of the four kline datasets that passed the rate
///   limiter (index-price faults are scripted by pair).
/// - Mark, index and premium-index klines (``DerivedPrices``) follow the same windows, limits, weights and
///   still-open bar as klines; spot answers their paths as unknown (404, code -5000). Funding history
///   (``FundingSchedule``, ``FundingIntervalChange``) is counted on USD-M against its own limit,
///   ``SimulatorConfiguration/fundingRequestLimit`` requests per five minutes, not against weight; COIN-M's
///   `fundingRate` weighs 1.
/// - The data.binance.vision archive is served on the same port under `/data/…` (see ``ArchiveFileID`` and
///   ``FundingArchiveFile``): zips of exactly the closed bars (of any dataset) and funding events REST serves,
///   with `.CHECKSUM` sidecars, published after ``ArchivePublication``'s lag, with ``ArchiveFault``s for matching
///   symbols (pairs for index-price files). Archive requests cost no weight and are not rate limited; they
///   get the configured latency and jitter.
public enum Simulator {
    /// Errors starting the simulator.
    public enum StartError: Error, CustomStringConvertible {
        /// The server stopped before it was listening (port in use, bad host …).
        case notListening(host: String, port: Int, underlying: (any Error)?)
        /// The archive cache directory could not be created.
        case archiveCache(directory: String, underlying: any Error)

        public var description: String {
            switch self {
            case .notListening(let host, let port, let underlying):
                "the simulator could not listen on \(host):\(port)"
                    + (underlying.map { ": \($0)" } ?? "") + "; choose another --port or free this one"
            case .archiveCache(let directory, let underlying):
                "the simulator could not create its archive cache directory '\(directory)': "
                    + "\(underlying.localizedDescription)"
            }
        }
    }

    /// Starts a simulator on `host:port` (port 0: one the OS chooses) and returns once it is listening.
    ///
    /// The server runs in a task owned by the returned ``RunningSimulator`` until ``RunningSimulator/stop()``, which
    /// shuts it down gracefully (requests in flight are answered, for at most five seconds).
    public static func start(
        _ configuration: SimulatorConfiguration, host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil
    ) async throws -> RunningSimulator {
        let engine = SimulatorEngine(configuration: configuration)
        let archive = try SimulatorArchive(engine: engine)
        var log = logger ?? Logger(label: "klinesync.simulator")
        if logger == nil { log.logLevel = .warning }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: SimulatorResponder(engine: engine, archive: archive),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: log)
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: log)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            let underlying: (any Error)?
            do {
                try await task.value
                underlying = nil
            } catch {
                underlying = error
            }
            throw StartError.notListening(host: host, port: port, underlying: underlying)
        }
        return RunningSimulator(engine: engine, archive: archive, host: host, port: bound, task: task, group: group)
    }
}
