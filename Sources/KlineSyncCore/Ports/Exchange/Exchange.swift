/// The bars of one fetched range, with what the fetch cost and learned.
public struct BarFetch: Sendable {
    /// Closed bars in ascending open-time order, validated.
    public var bars: [Bar]
    /// Set when the exchange answered the start of the range with a later first bar: the listing floor.
    public var listingFloor: Int64?
    public var requests: Int
    public var weight: Int
    public var retries: Int

    public init(bars: [Bar], listingFloor: Int64? = nil, requests: Int = 0, weight: Int = 0, retries: Int = 0) {
        self.bars = bars
        self.listingFloor = listingFloor
        self.requests = requests
        self.weight = weight
        self.retries = retries
    }
}

/// A market-data source: Binance REST in production, the simulator in tests (over real HTTP).
public protocol Exchange: Sendable {
    /// The market this client talks to.
    var market: Market { get }

    /// The exchange's clock (ms since the epoch).
    func serverTime() async throws -> Int64

    /// The instrument list and advertised limits.
    func exchangeInfo() async throws -> ExchangeInfo

    /// Every closed bar of `symbol` at `interval` whose open time lies in `range`, handed to `receive` page by page
    /// in open-time order (one call at a time, as pages arrive), so that a long range is never held whole; a bar
    /// whose close time is not before `horizon` is dropped. Pages are sized per `paging` (the plan's choice), with
    /// retries as needed. The result carries the counts and the listing floor; its `bars` is empty.
    func fetchBars(
        symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch
}

extension Exchange {
    /// Every closed bar of `symbol` at `interval` whose open time lies in `range`, collected in `bars`.
    public func fetchBars(
        symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode = .leastWeight
    ) async throws -> BarFetch {
        var bars: [Bar] = []
        var fetch = try await fetchBars(
            symbol: symbol, interval: interval, range: range, horizon: horizon, paging: paging
        ) {
            bars.append(contentsOf: $0)
        }
        fetch.bars = bars
        return fetch
    }
}

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
