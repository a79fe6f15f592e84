import AsyncHTTPClient
import Foundation
import KlineSyncCore
import Logging

extension BinanceClient {
    /// A decoded answer and what it cost: attempts made (each a request) and weight reserved.
    struct Outcome<Value: Sendable>: Sendable {
        var value: Value
        var requests: Int
        var weight: Int
        var retries: Int { requests - 1 }
    }

    /// Sends `GET path?query` through the limiter, retrying per the policy, and decodes a 200 body with `decode`.
    ///
    /// 429 pauses the whole client (Retry-After, else until the next minute) and retries; 418 stops the client or
    /// waits for the ban to end, per `retry.onBan`; 5xx, 408, transport errors and unreadable bodies back off
    /// exponentially with jitter; a 4xx with a Binance code fails at once. Retryable errors that outlast
    /// `retry.maxAttempts` become `.exhausted`. Before the exchange ever answered this client, a refused connection,
    /// unknown host, TLS failure or timeout throws `ConnectionFailure` at once (the base URL or the network is wrong).
    ///
    /// `through` names another limiter for endpoints with a limit of their own (funding history: requests per five
    /// minutes); such a limiter is not told the IP's used weight.
    func send<Value: Sendable>(
        path: String, query: [(String, String)], weight: Int, maxBytes: Int = 16 << 20,
        through other: RateLimiter? = nil, decode: (UnsafeRawBufferPointer) throws(ExchangeError) -> Value
    ) async throws -> Outcome<Value> {
        let limiter = other ?? self.limiter
        let reportsWeight = other == nil
        let url = baseURL + path + (query.isEmpty ? "" : "?" + QueryString.encode(query))
        var attempts = 0
        while true {
            attempts += 1
            let ticket = try await limiter.acquire(weight: weight)
            let result = try await attempt(
                url: url, path: path, ticket: ticket, limiter: limiter, reportsWeight: reportsWeight,
                maxBytes: maxBytes,
                decode: decode)
            let error: ExchangeError
            switch result {
            case .success(let value):
                return Outcome(value: value, requests: attempts, weight: attempts * weight)
            case .failure(let failure):
                error = failure
            }
            try Task.checkCancellation()
            var backoff = true
            switch error {
            case .banned:
                // The limiter already knows (`attempt` told it before handing the ticket back).
                if retry.onBan == .stop { throw error }
                backoff = false
            case .rateLimited:
                backoff = false
            default:
                guard error.isRetryable else { throw error }
            }
            guard attempts < retry.maxAttempts else { throw ExchangeError.exhausted(attempts: attempts, last: error) }
            await limiter.recordRetry()
            let delay = backoff ? jitter(retry.backoff(retry: attempts)) : .zero
            logger.warning(
                "request failed; retrying",
                metadata: [
                    "path": "\(path)", "attempt": "\(attempts)", "error": "\(error)", "backoff_ms": "\(delay.millis)",
                ])
            if delay > .zero { try await clock.sleep(delay) }
        }
    }

    /// One attempt: sends, reads the body, hands the ticket back with the used-weight header, decodes. Throws
    /// `ConnectionFailure` when nothing was ever answered and the connection failed for a reason retrying won't fix.
    private func attempt<Value>(
        url: String, path: String, ticket: RateLimiter.Ticket, limiter: RateLimiter, reportsWeight: Bool, maxBytes: Int,
        decode: (UnsafeRawBufferPointer) throws(ExchangeError) -> Value
    ) async throws -> Result<Value, ExchangeError> {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "klinesync")
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(requestTimeout.nanoseconds))
        } catch {
            countResponse("transport")
            await limiter.complete(ticket, usedWeight: nil)
            let failure = ConnectionFailure(error, url: baseURL)
            if !answered.load(ordering: .relaxed) && failure.isFatalBeforeFirstAnswer && !Task.isCancelled {
                throw failure
            }
            return .failure(.transport(message: failure.phrase, path: path))
        }
        answered.store(true, ordering: .relaxed)
        let usedWeight =
            reportsWeight
            ? response.headers.first(name: "X-MBX-USED-WEIGHT-1M").flatMap {
                Int($0.trimmingCharacters(in: .whitespaces))
            } : nil
        let status = Int(response.status.code)
        countResponse("\(status)")
        let body: [UInt8]
        do {
            var buffer = try await response.body.collect(upTo: maxBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            await limiter.complete(ticket, usedWeight: usedWeight)
            let message =
                "\(error)".contains("TooManyBytes")
                ? "body larger than \(maxBytes) bytes" : ConnectionFailure(error, url: baseURL).phrase
            return .failure(.transport(message: "reading the body: \(message)", path: path))
        }
        guard status == 200 else {
            let retryAfter = response.headers.first(name: "Retry-After")
            let error = ResponseClassifier.error(status: status, body: body, retryAfter: retryAfter, path: path)
            // A 418 or 429 reaches the limiter before the ticket goes back, so that no request waiting for this slot
            // is sent in between.
            switch error {
            case .banned(let until, _): await limiter.banned(until: until, policy: retry.onBan, error: error)
            case .rateLimited(let retryAfter, _): await limiter.rateLimited(retryAfter: retryAfter)
            default: break
            }
            await limiter.complete(ticket, usedWeight: usedWeight)
            return .failure(error)
        }
        await limiter.complete(ticket, usedWeight: usedWeight)
        return body.withUnsafeBytes { (raw) -> Result<Value, ExchangeError> in
            do throws(ExchangeError) { return .success(try decode(raw)) } catch { return .failure(error) }
        }
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
