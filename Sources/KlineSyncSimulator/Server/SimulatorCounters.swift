/// What a running simulator has served so far.
public struct SimulatorCounters: Sendable, Hashable {
    /// Requests received, whatever the answer.
    public var requests = 0
    /// Responses by HTTP status; connections reset without a response count under status 0.
    public var byStatus: [Int: Int] = [:]
    /// Request weight counted since start, over all minutes.
    public var weightUsed = 0
    /// Kline rows sent.
    public var barsServed = 0
    /// Faults injected (scripted, random 5xx).
    public var faultsInjected = 0

    /// Responses with this status.
    public subscript(status: Int) -> Int { byStatus[status, default: 0] }
}
