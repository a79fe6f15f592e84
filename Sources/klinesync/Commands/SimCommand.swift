import ArgumentParser
import Foundation
import KlineSyncCore
import KlineSyncSimulator
import UnixSignals

/// `klinesync sim`: serves the Binance-compatible simulator on loopback until SIGINT or SIGTERM.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a Binance-compatible market-data simulator on 127.0.0.1.",
        discussion: """
            Deterministic K-lines for a simulated universe (listings, delistings, quarterlies), Binance's request \
            weights, 429/418 rate limiting, outages (--outage) and scripted faults (--fault). The same port serves \
            the data.binance.vision kline archive under /data/ (zips with .CHECKSUM sidecars, published after a \
            lag, with --archive-fault). Point a manifest at the printed URL with `base_url:` (and `archive_url:`), \
            or use `base_url: embedded` to start one in-process. Stops on SIGINT or SIGTERM.
            """)

    @Option(help: "Port to listen on; 0 lets the OS choose one.")
    var port: Int = 8765

    @Option(help: "Seed of the generated data; the same seed serves the same bars.")
    var seed: UInt64 = 42

    @Option(help: "Number of instruments in the simulated universe.")
    var symbols: Int = 50

    @Option(
        help: """
            Instruments listed: varied (majors, recent listings, delistings, other quotes, quarterlies) or \
            established (only trading USDT pairs or perpetuals, COIN-M USD perpetuals, all listed over 5 years \
            before --now, so every one has 2000 bars of each interval up to 1d).
            """)
    var universe: UniverseKind = .varied

    @Option(help: "Market to serve: spot, usdm or coinm.")
    var market: Market = .usdm

    @Option(help: "Delay added to every response, in milliseconds.")
    var latency: Int = 0

    @Option(help: "Random extra delay of up to this many milliseconds on top of --latency.")
    var jitter: Int = 0

    @Option(help: "Request weight allowed per minute (default: the market's documented limit).")
    var weightLimit: Int?

    @Option(help: "Fraction (0 to 1) of klines requests answered with a random 5xx.")
    var failRate: Double = 0

    @Option(
        parsing: .unconditional,
        help: "The simulator's now: RFC 3339 time, a date, or an offset from the real clock such as -2h.")
    var now: String?

    @Option(
        help: ArgumentHelp(
            "A window with no bars: [GLOB=]FROM/TO (dates or RFC 3339 times); repeatable.",
            discussion: "For example 2024-03-01T00:00:00Z/2024-03-01T06:00:00Z (every symbol) or "
                + "BTC*=2024-03-01/2024-03-02.",
            valueName: "outage"))
    var outage: [String] = []

    @Option(
        help: ArgumentHelp(
            "Faults for the next klines requests of matching symbols: GLOB=KIND[,KIND…]; repeatable.",
            discussion: "One fault per request, in order, then normal answers. Kinds: \(Fault.scriptKinds). "
                + "For example BTCUSDT=503,503,reset.",
            valueName: "script"))
    var fault: [String] = []

    @Option(
        help: ArgumentHelp(
            "Faults for every archive file of matching symbols: GLOB=KIND[,KIND…]; repeatable.",
            discussion: "Kinds: \(ArchiveFault.kindNames). For example BTC*=bad-checksum,hole.",
            valueName: "faults"))
    var archiveFault: [String] = []

    @Option(
        help: ArgumentHelp(
            "How long after their last bar closes monthly archive files appear, such as 2d or 0s.",
            valueName: "duration"))
    var archiveMonthlyLag = DurationArgument(argument: "2d")!

    @Option(
        help: ArgumentHelp(
            "How long after their last bar closes daily archive files appear, such as 6h or 0s.",
            valueName: "duration"))
    var archiveDailyLag = DurationArgument(argument: "6h")!

    @Option(
        help: ArgumentHelp(
            "A directory keeping generated archive zips across runs (default: memory only).",
            discussion: "Files are named by everything their bytes depend on, so one directory serves any seed "
                + "and universe; nothing in it is deleted.",
            valueName: "path"))
    var archiveCacheDir: String?

    func validate() throws {
        for text in outage {
            do { _ = try Outage.parse(text) } catch { throw ValidationError(error.description) }
        }
        for text in fault {
            do { _ = try Fault.parseScript(text) } catch { throw ValidationError(error.description) }
        }
        for text in archiveFault {
            do { _ = try ArchiveFault.parse(text) } catch { throw ValidationError(error.description) }
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard symbols >= 1 else { throw ValidationError("--symbols must be at least 1") }
        guard latency >= 0 else { throw ValidationError("--latency must not be negative") }
        guard jitter >= 0 else { throw ValidationError("--jitter must not be negative") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        if let weightLimit, weightLimit < 1 { throw ValidationError("--weight-limit must be at least 1") }
        if let now, SimulatorClock.parse(now) == nil {
            throw ValidationError("cannot read --now '\(now)'; use 2024-01-01, 2024-01-01T12:00:00Z or -2h")
        }
    }

    func run() async throws {
        let configuration = SimulatorConfiguration(
            market: market, seed: seed, symbolCount: symbols, universe: universe,
            latencyMillis: latency, jitterMillis: jitter, weightLimit: weightLimit, failRate: failRate,
            clock: now.flatMap(SimulatorClock.parse) ?? .real, outages: try outage.map { try Outage.parse($0) },
            faults: try Dictionary(fault.map { try Fault.parseScript($0) }, uniquingKeysWith: +),
            archivePublication: ArchivePublication(
                monthlyLagMillis: archiveMonthlyLag.millis, dailyLagMillis: archiveDailyLag.millis),
            archiveFaults: try archiveFault.map { try ArchiveFault.parse($0) }, archiveCacheDirectory: archiveCacheDir)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let simulator = try await Simulator.start(configuration, host: "127.0.0.1", port: port)
        let banner = "klinesync simulator (\(market.rawValue), \(symbols) symbols, seed \(seed)) listening on "
        // Written unbuffered, so that scripts reading a pipe see the URL at once.
        FileHandle.standardOutput.write(Data((banner + simulator.baseURL + "\n").utf8))
        for await _ in signals { break }
        await simulator.stop()
        let archive = simulator.archiveCounters.requests
        FileHandle.standardOutput.write(
            Data(
                ("klinesync simulator stopped after \(simulator.counters.requests) requests"
                    + (archive > 0 ? " and \(archive) archive requests\n" : "\n")).utf8))
    }
}
