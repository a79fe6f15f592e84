import KlineSyncCore

/// What the HTTP endpoints read from a running agent.
public protocol AgentMonitor: Sendable {
    /// The state for `GET /status`, lags as of now.
    func status() -> AgentStatus
    /// Whether `GET /healthz` answers 200.
    var isHealthy: Bool { get }
    /// Brings the lag gauges up to now before `GET /metrics` is answered.
    func refreshLags()
}

extension Agent: AgentMonitor {}
