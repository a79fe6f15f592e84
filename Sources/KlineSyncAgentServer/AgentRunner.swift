import Hummingbird
import KlineSyncCore
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// Runs an agent beside its HTTP endpoints in one `ServiceGroup`, with the process's signals: SIGHUP reloads the
/// manifest; SIGTERM or SIGINT stop the agent (symbols in flight commit), after which the server shuts down; a
/// second SIGTERM or SIGINT abandons the symbols in flight (they roll back).
public enum AgentRunner {
    /// Serves `agent` on `host:port` and runs it until a signal stops it. `onListening` receives the bound port
    /// before the first cycle starts. Throws when the server cannot listen.
    public static func run<C: Clock>(
        _ agent: Agent<C>, registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) async throws where C.Duration == Duration {
        let (listening, listeningContinuation) = AsyncStream<Void>.makeStream()
        let app = AgentHTTP.application(
            monitor: agent, registry: registry, host: host, port: port, logger: logger,
            onRunning: { port in
                await onListening(port)
                listeningContinuation.finish()
            })
        let loop = AgentLoop(agent: agent, listening: listening)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: app),
                    .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                logger: logger))
        // The signals are trapped before the group starts, so none kills the process from here on.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                var stops = 0
                for await signal in signals {
                    if signal == .sighup {
                        agent.reload()
                        continue
                    }
                    stops += 1
                    if stops == 1 {
                        logger.notice(
                            "stopping: symbols in flight finish, no new cycle starts (again to abandon them)",
                            metadata: ["signal": "\(signal)"])
                        agent.stop(signal: "\(signal)")
                    } else {
                        logger.warning("abandoning the symbols in flight", metadata: ["signal": "\(signal)"])
                        await group.triggerGracefulShutdown()
                        throw CancellationError()
                    }
                }
            }
            defer { tasks.cancelAll() }
            try await tasks.next()
        }
    }
}

/// The agent's loop as a service: starts once the server listens, ends after `stop()`, and stops the agent when
/// the group shuts down for another reason.
struct AgentLoop<C: Clock>: Service where C.Duration == Duration {
    let agent: Agent<C>
    let listening: AsyncStream<Void>

    func run() async throws {
        for await _ in listening {}
        guard !Task.isCancelled else { return }
        _ = await withGracefulShutdownHandler {
            await agent.run()
        } onGracefulShutdown: {
            agent.stop(signal: "shutdown")
        }
    }
}
