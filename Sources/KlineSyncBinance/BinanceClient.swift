import AsyncHTTPClient
import Foundation
import KlineSyncCore
import Logging
import Synchronization

/// The `Exchange` that talks to Binance spot, USD-M or COIN-M futures over HTTP (AsyncHTTPClient).
///
/// Every request goes through one `RateLimiter` (weight budget per exchange minute, requests in flight, request
/// delay, pauses after 429/418) and the `RetryPolicy`. Construct one client per market and run; share it between
/// all concurrent series so that they share the budget.
///
/// Ownership of the HTTP client: `init(…, httpClient:, …)` borrows one that the caller shuts down after the
/// client is done (`shutdown()` then only stops this client); `init(…)` without `httpClient` creates one sized for
/// `pacing.concurrency`, and `shutdown()` shuts it down. Call `shutdown()` once, after the last request.
///
/// Call `serverTime()` (or `exchangeInfo()`) first: it aligns the limiter's minutes with the exchange's clock, and
/// `exchangeInfo()` also lowers the budget to the advertised limit when that is lower than configured.
public final class BinanceClient: Exchange, Sendable {
    /// The market this client talks to.
    public let market: Market
    /// The REST base URL, without a trailing slash (`https://fapi.binance.com` or a simulator's loopback URL).
    public let baseURL: String
    /// The limiter every request of this client goes through; its `statistics` feed progress and reports.
    public let limiter: RateLimiter
    /// The limiter of funding-history requests, which have a limit of their own (500 requests per 5 minutes per IP):
    /// 80 a minute, a fifth under that limit's average, leaving room for other clients on the IP.
    public let fundingLimiter: RateLimiter

    /// Funding requests a minute this client sends at most.
    public static let fundingRequestsPerMinute = 80

    let pacing: ClientPacing
    let retry: RetryPolicy
    let httpClient: HTTPClient
    let ownsHTTPClient: Bool
    let clock: ClientClock
    let logger: Logger
    let requestTimeout: Duration
    /// Set once the exchange answered any request (whatever the status): from then on, connection failures are
    /// retried as a restarting exchange's would be.
    let answered = Atomic<Bool>(false)
    /// Answers per HTTP status (or `transport` when none came back), every attempt counted (`ResponseCounting`).
    let responseCodes = Mutex<[String: Int]>([:])
    /// Spreads a backoff delay; equal jitter (half fixed, half random) by default.
    let jitter: @Sendable (Duration) -> Duration

    /// Creates a client that uses `httpClient`, which the caller owns and shuts down after `shutdown()`.
    ///
    /// - Parameters:
    ///   - market: spot, USD-M or COIN-M.
    ///   - baseURL: the REST base URL; nil for the market's production URL.
    ///   - pacing: budget, concurrency and request delay (the manifest's `pacing`).
    ///   - retry: attempts, backoff and ban behaviour (the manifest's `retry`).
    ///   - httpClient: the HTTP client; size its connection pool for `pacing.concurrency` for connection reuse.
    ///   - clock: time for pacing and backoff; tests inject a manual or scaled clock.
    ///   - logger: receives warnings (429, 418, retries) and debug details, with data in metadata.
    ///   - requestTimeout: limit on one request, body included.
    public convenience init(
        market: Market, baseURL: String? = nil, pacing: ClientPacing = .default, retry: RetryPolicy = .default,
        httpClient: HTTPClient, clock: some Clock<Duration> = ContinuousClock(), logger: Logger,
        requestTimeout: Duration = .seconds(30)
    ) {
        self.init(
            market: market, baseURL: baseURL, pacing: pacing, retry: retry, httpClient: httpClient, owns: false,
            clock: ClientClock(clock), logger: logger, requestTimeout: requestTimeout, jitter: Self.equalJitter)
    }

    /// Creates a client with its own HTTP client (connection pool sized for `pacing.concurrency`), shut down by
    /// `shutdown()`.
    public convenience init(
        market: Market, baseURL: String? = nil, pacing: ClientPacing = .default, retry: RetryPolicy = .default,
        clock: some Clock<Duration> = ContinuousClock(), logger: Logger, requestTimeout: Duration = .seconds(30)
    ) {
        self.init(
            market: market, baseURL: baseURL, pacing: pacing, retry: retry,
            httpClient: Self.makeHTTPClient(concurrency: pacing.concurrency), owns: true, clock: ClientClock(clock),
            logger: logger, requestTimeout: requestTimeout, jitter: Self.equalJitter)
    }

    init(
        market: Market, baseURL: String?, pacing: ClientPacing, retry: RetryPolicy, httpClient: HTTPClient,
        owns: Bool, clock: ClientClock, logger: Logger, requestTimeout: Duration,
        jitter: @escaping @Sendable (Duration) -> Duration
    ) {
        self.market = market
        var base = baseURL ?? market.defaultBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.pacing = pacing
        self.retry = retry
        self.httpClient = httpClient
        self.ownsHTTPClient = owns
        self.clock = clock
        var logger = logger
        logger[metadataKey: "market"] = "\(market.rawValue)"
        self.logger = logger
        self.requestTimeout = requestTimeout
        self.jitter = jitter
        self.limiter = RateLimiter(
            budget: pacing.budget(advertisedLimit: market.documentedWeightLimit),
            concurrency: pacing.concurrency,
            requestDelay: pacing.requestDelay, clock: clock, epochMillis: ClientClock.wallClockMillis(),
            logger: logger)
        self.fundingLimiter = RateLimiter(
            budget: Self.fundingRequestsPerMinute, concurrency: min(2, pacing.concurrency),
            requestDelay: pacing.requestDelay, clock: clock, epochMillis: ClientClock.wallClockMillis(), logger: logger)
    }

    /// An HTTP client configured for Binance: a connection pool of `concurrency` connections per host (reused
    /// between requests), gzip accepted.
    public static func makeHTTPClient(concurrency: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, concurrency))
        // Our RetryPolicy retries failed connections with backoff; the pool's own retrying would hold every
        // attempt for the whole connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .enabled(limit: .ratio(100))
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Traffic counters so far: requests, weight, retries, 429s, bans, waits.
    public func stats() async -> ClientStats { await limiter.statistics }

    /// Ends the client: shuts down the HTTP client when this client created it; a borrowed one is left to its
    /// owner, to be shut down after this call.
    public func shutdown() async throws {
        if ownsHTTPClient { try await httpClient.shutdown() }
    }

    // MARK: - Exchange

    /// The exchange's clock (`GET …/time`, weight 1); also aligns the limiter's minutes with it.
    public func serverTime() async throws -> Int64 {
        let outcome = try await send(path: market.pathPrefix + "/time", query: [], weight: market.timeWeight) {
            (body: UnsafeRawBufferPointer) throws(ExchangeError) -> Int64 in
            guard let time = ServerTimeParser.parse(body) else {
                throw .invalidResponse(message: "expected {\"serverTime\": <ms>}", path: market.pathPrefix + "/time")
            }
            return time
        }
        await limiter.synchronize(serverTime: outcome.value)
        return outcome.value
    }

    /// The instrument list and advertised weight limit; the limiter's budget becomes min(configured, advertised), and
    /// the advertised limit bounds this client's weight plus other clients' on the IP.
    public func exchangeInfo() async throws -> ExchangeInfo {
        let path = market.pathPrefix + "/exchangeInfo"
        let logger = self.logger
        let market = self.market
        let outcome = try await send(path: path, query: [], weight: market.exchangeInfoWeight, maxBytes: 256 << 20) {
            (body: UnsafeRawBufferPointer) throws(ExchangeError) -> ExchangeInfo in
            do {
                return try ExchangeInfoParser.parse(Data(body), market: market, logger: logger)
            } catch {
                throw .invalidResponse(message: "exchangeInfo is not readable: \(error)", path: path)
            }
        }
        let info = outcome.value
        let limit = info.weightLimitPerMinute ?? market.documentedWeightLimit
        let budget = pacing.budget(advertisedLimit: limit)
        await limiter.setBudget(budget)
        await limiter.setExchangeLimit(limit)
        if let serverTime = info.serverTime { await limiter.synchronize(serverTime: serverTime) }
        logger.debug(
            "exchange info",
            metadata: [
                "instruments": "\(info.instruments.count)", "advertised_limit": "\(info.weightLimitPerMinute ?? 0)",
                "budget": "\(budget)",
            ])
        return info
    }

    static let equalJitter: @Sendable (Duration) -> Duration = { delay in
        delay / 2 + delay * Double.random(in: 0...0.5)
    }
}
