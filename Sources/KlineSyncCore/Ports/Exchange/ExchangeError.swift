/// An error from the exchange or the way to it. `isRetryable` tells the retry policy what to do.
public enum ExchangeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP 4xx with a Binance error code (-1121 invalid symbol, -1120 invalid interval, …). Not retryable.
    case rejected(status: Int, code: Int, message: String, path: String)
    /// HTTP 429: too many requests; `retryAfter` in seconds when the server sent it.
    case rateLimited(retryAfter: Int?, path: String)
    /// HTTP 418: the IP is banned until the given time (ms), when known.
    case banned(until: Int64?, message: String)
    /// HTTP 5xx, 408 or an unexpected status.
    case server(status: Int, message: String, path: String)
    /// Connection refused or reset, timeout, DNS failure.
    case transport(message: String, path: String)
    /// A response that is not what Binance sends: malformed JSON, wrong field count, off-grid times, truncated.
    case invalidResponse(message: String, path: String)
    /// Retries were used up; wraps the last error.
    indirect case exhausted(attempts: Int, last: ExchangeError)

    /// Whether trying the same request again may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rejected, .banned, .exhausted: false
        case .rateLimited, .server, .transport, .invalidResponse: true
        }
    }

    /// A short stable code for reports: the Binance code, `http_429`, `banned`, `transport`, ….
    public var code: String {
        switch self {
        case .rejected(_, let code, _, _): String(code)
        case .rateLimited: "http_429"
        case .banned: "http_418"
        case .server(let status, _, _): "http_\(status)"
        case .transport: "transport"
        case .invalidResponse: "invalid_response"
        case .exhausted(_, let last): last.code
        }
    }

    public var description: String {
        switch self {
        case .rejected(let status, let code, let message, let path):
            "exchange rejected \(path): HTTP \(status), code \(code): \(message)"
        case .rateLimited(let retryAfter, let path):
            "rate limited on \(path) (HTTP 429\(retryAfter.map { ", retry after \($0)s" } ?? ""))"
        case .banned(let until, let message):
            "IP banned by the exchange\(until.map { " until \(Timestamp.format($0))" } ?? ""): \(message); "
                + "lower pacing.weight_per_minute or set retry.on_ban: wait"
        case .server(let status, let message, let path):
            "exchange error on \(path): HTTP \(status) \(message)"
        case .transport(let message, let path):
            "cannot reach the exchange (\(path)): \(message)"
        case .invalidResponse(let message, let path):
            "invalid response from \(path): \(message)"
        case .exhausted(let attempts, let last):
            "gave up after \(attempts) attempts: \(last)"
        }
    }
}
