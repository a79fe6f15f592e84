/// Why a run stopped starting new work.
public enum StopReason: Sendable, Hashable, CustomStringConvertible {
    /// A signal asked for it (`SIGINT`, `SIGTERM`, …, by name).
    case interrupted(signal: String)
    /// The exchange banned this IP (HTTP 418) and `retry.on_ban` is `stop`; the message is the exchange error's.
    case banned(String)

    /// Whether the stop was asked for (a signal), rather than forced by the exchange.
    public var isInterruption: Bool {
        if case .interrupted = self { return true }
        return false
    }

    /// The words in the report and on the terminal: `interrupted by SIGINT`, `the exchange banned this IP: …`.
    public var description: String {
        switch self {
        case .interrupted(let signal): "interrupted by \(signal)"
        case .banned(let message): "the exchange banned this IP: \(message)"
        }
    }
}
