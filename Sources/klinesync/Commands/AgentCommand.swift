import ArgumentParser
import Foundation
import KlineSyncAgentServer
import KlineSyncCore
import Logging
import Prometheus

/// `klinesync agent FILE`: keep the database fresh, cycle after cycle, with metrics and health over HTTP.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Keep the database in the manifest's state: an apply cycle after every close, with /metrics.",
        discussion: """
            Runs a cycle at start and right after each close of the manifest's shortest interval (exchange time) \
            plus --settle. Failed cycles are retried with the retry policy's backoff; outages never end the agent. \
            The manifest is re-read on SIGHUP and when its content changes (an invalid one is reported and the \
            previous one keeps running). SIGTERM/SIGINT: symbols in flight commit, then exit 0.
            HTTP: GET /metrics (Prometheus), /healthz (200 or 503), /status (JSON).
            Exit codes: 0 stopped by a signal; with --once, apply's: 0 converged, 1 nothing applied, 2 partial. \
            1 also when the manifest is invalid at start or --listen cannot be bound.
            """
    )

    @Argument(help: "The manifest.", completion: .file())
    var manifest: String

    @Option(help: "HOST:PORT of the HTTP endpoints (port 0: any free port, printed on stderr).")
    var listen = "127.0.0.1:9464"

    @Option(help: "Delay after a close before the cycle starts, e.g. 2s or 500ms.")
    var settle = DurationArgument(argument: "2s")!

    @Flag(help: "Run one cycle and exit with apply's exit codes (no HTTP server).")
    var once = false

    @Option(help: "Reports and `runs` rows kept: the latest N; older ones are deleted after each cycle.")
    var keep = 100

    @Option(help: "Seconds a cycle waits for another writer's lock on the database.")
    var lockTimeout: Double = 30

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1") }
        guard address != nil else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:9464") }
    }

    /// `--listen` split into host and port.
    var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port), colon > listen.startIndex
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    func run() async throws {
        let logger = logging.bootstrap(defaultLevel: .info)
        let loaded = try Manifest.loadForCommand(manifest)
        let registry = PrometheusCollectorRegistry()
        let wiring = AgentWiring(logger: logger)
        let agent = Agent(
            manifest: loaded, watch: ManifestWatch(path: manifest),
            configuration: Agent.Configuration(
                settle: .milliseconds(settle.millis), keep: keep, lockTimeout: lockTimeout),
            environment: wiring, metrics: AgentMetrics(factory: AgentHTTP.metricsFactory(registry: registry)),
            clock: ContinuousClock(), logger: logger)
        if once {
            // As `apply`: the first SIGINT/SIGTERM lets the symbols in flight commit, a second abandons them.
            let task = Task { await agent.run(once: true) }
            let signals = SignalTrap()
            await signals.arm { count, name in
                if count == 1 { agent.stop(signal: name) } else { task.cancel() }
            }
            let result = await task.value
            signals.disarm()
            await wiring.shutdown()
            guard let result else { throw ExitCode(1) }
            if let failure = result.failure {
                Terminal.printError("error: \(Terminal.message(for: failure))")
                throw ExitCode(1)
            }
            print(result.report.summaryLine)
            switch result.report.status {
            case .ok: return
            case .partial: throw ExitCode(2)
            case .failed: throw ExitCode(1)
            }
        }
        let (host, port) = address!
        do {
            try await AgentRunner.run(agent, registry: registry, host: host, port: port, logger: logger) { bound in
                Terminal.printError(
                    "klinesync agent: listening on http://\(host):\(bound) (/metrics, /healthz, /status)")
            }
        } catch {
            await wiring.shutdown()
            Terminal.printError("error: the agent stopped: \(Terminal.message(for: error)); check --listen \(listen)")
            throw ExitCode(1)
        }
        await wiring.shutdown()
    }
}
