import Foundation
import Hummingbird
import KlineSyncCore
import Logging
import Prometheus

/// The agent's HTTP endpoints: `GET /metrics` (Prometheus text format), `GET /healthz` (200 or 503) and
/// `GET /status` (JSON).
public enum AgentHTTP {
    /// The content type of the Prometheus text exposition format.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A metrics factory that records into `registry`, with cycle-duration buckets from 100 ms to 10 minutes.
    public static func metricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[AgentMetrics.cycleDurationName] = [
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
        ]
        return factory
    }

    /// The routes over `monitor` and `registry`.
    public static func router(monitor: any AgentMonitor, registry: PrometheusCollectorRegistry) -> Router<
        BasicRequestContext
    > {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            monitor.refreshLags()
            return text(registry.emitToString(), contentType: prometheusContentType)
        }
        router.get("healthz") { _, _ -> Response in
            let status = monitor.status()
            guard monitor.isHealthy else {
                let reason =
                    status.lastCycle == nil
                    ? "no cycle finished yet"
                    : "\(status.cycles.consecutiveFailures) cycles failed in a row: "
                        + (status.lastCycle?.error?.message ?? status.lastCycle?.summary ?? "")
                return text("unhealthy: \(reason)\n", status: .serviceUnavailable)
            }
            return text("ok\n")
        }
        router.get("status") { _, _ -> Response in
            let body = (try? JSONCoding.string(monitor.status())) ?? "{}\n"
            return text(body, contentType: "application/json")
        }
        return router
    }

    /// An application serving the routes on `host:port` (port 0: one the system picks); `onRunning` receives the
    /// bound port.
    public static func application(
        monitor: any AgentMonitor, registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(monitor: monitor, registry: registry),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    private static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain")
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
