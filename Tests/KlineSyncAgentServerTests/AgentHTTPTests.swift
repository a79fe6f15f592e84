import Foundation
import Hummingbird
import HummingbirdTesting
import KlineSyncAgentServer
import KlineSyncCore
import Prometheus
import Synchronization
import Testing

/// The endpoints over a scripted monitor: health codes, the Prometheus text and the status JSON.
struct AgentHTTPTests {
    final class Monitor: AgentMonitor {
        let healthy = Mutex(false)
        let refreshes = Mutex(0)

        func status() -> AgentStatus {
            AgentStatus(
                state: .running, healthy: isHealthy,
                manifest: AgentStatus.ManifestState(
                    path: "m.yaml", digest: "abc", scheduleInterval: "1m", reload: "ok", reloadError: nil,
                    lastReloadAt: nil, reloadErrors: 0),
                cycles: AgentStatus.Cycles(), lastCycle: nil,
                series: [
                    AgentStatus.SeriesLag(
                        symbol: "BTCUSDT", dataset: "klines", interval: "1m", lastClose: "2024-06-10T12:35:00Z",
                        lagSeconds: 2.5)
                ])
        }

        var isHealthy: Bool { healthy.withLock { $0 } }
        func refreshLags() { refreshes.withLock { $0 += 1 } }
    }

    @Test func healthzFollowsTheMonitorAndMetricsAreAgentMetricsInPrometheusText() async throws {
        let monitor = Monitor()
        let registry = PrometheusCollectorRegistry()
        _ = AgentMetrics(factory: AgentHTTP.metricsFactory(registry: registry))
        let app = Application(router: AgentHTTP.router(monitor: monitor, registry: registry))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).hasPrefix("unhealthy: no cycle finished yet"))
            }
            monitor.healthy.withLock { $0 = true }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE klinesync_cycles_total counter"))
                #expect(text.contains("klinesync_cycles_total{status=\"ok\"} 0"))
                #expect(text.contains("# TYPE klinesync_cycle_duration_seconds histogram"))
                #expect(text.contains("klinesync_manifest_reload_errors_total 0"))
            }
            #expect(monitor.refreshes.withLock { $0 } == 1)
            try await client.execute(uri: "/status", method: .get) { response in
                let status = try JSONCoding.decoder().decode(
                    AgentStatus.self, from: Data(String(buffer: response.body).utf8))
                #expect(status.series.first?.lagSeconds == 2.5)
            }
        }
    }
}
