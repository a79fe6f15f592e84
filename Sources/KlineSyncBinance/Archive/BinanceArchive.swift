import AsyncHTTPClient
import Foundation
import KlineSyncCore
import Logging
import NIOCore

/// The data.binance.vision archive (or the simulator's copy of it) as an `ArchiveSource`.
///
/// A file and its `.CHECKSUM` are downloaded side by side, at most `concurrency` files at a time across the whole
/// run. The zip is held in memory while it is verified and inflated (never written to disk, so a killed run leaves
/// nothing behind); its CSV is parsed as it inflates. Transport errors and 5xx answers are retried with the retry
/// policy's backoff; what still fails, and every file that cannot be trusted, is a fallback to REST for that file's
/// range.
public final class BinanceArchive: ArchiveSource, Sendable {
    /// The archive's base URL, without a trailing slash; files are under its `/data/`.
    public let baseURL: String
    let httpClient: HTTPClient
    let ownsHTTPClient: Bool
    let slots: DownloadSlots
    let retry: RetryPolicy
    let logger: Logger
    let clock: ClientClock
    let requestTimeout: Duration

    /// The largest zip accepted (a monthly `1m` file is a few MB; a daily spot `1s` file tens of MB).
    static let maxZipBytes = 512 << 20

    /// An archive client with its own HTTP client (a connection pool sized for `concurrency` files and their
    /// checksums), shut down by `shutdown()`.
    public init(
        baseURL: String, concurrency: Int = 16, retry: RetryPolicy = .default,
        clock: some Clock<Duration> = ContinuousClock(), logger: Logger, requestTimeout: Duration = .seconds(120)
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.httpClient = BinanceClient.makeHTTPClient(concurrency: 2 * max(1, concurrency))
        self.ownsHTTPClient = true
        self.slots = DownloadSlots(count: concurrency)
        self.retry = retry
        var logger = logger
        logger[metadataKey: "source"] = "archive"
        self.logger = logger
        self.clock = ClientClock(clock)
        self.requestTimeout = requestTimeout
    }

    /// An archive client over `httpClient`, which the caller owns and shuts down after the last fetch.
    public init(
        baseURL: String, concurrency: Int = 16, retry: RetryPolicy = .default, httpClient: HTTPClient,
        clock: some Clock<Duration> = ContinuousClock(), logger: Logger, requestTimeout: Duration = .seconds(120)
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.httpClient = httpClient
        self.ownsHTTPClient = false
        self.slots = DownloadSlots(count: concurrency)
        self.retry = retry
        var logger = logger
        logger[metadataKey: "source"] = "archive"
        self.logger = logger
        self.clock = ClientClock(clock)
        self.requestTimeout = requestTimeout
    }

    /// Shuts down the HTTP client when this archive client made it. Call once, after the last fetch.
    public func shutdown() async throws {
        if ownsHTTPClient { try await httpClient.shutdown() }
    }

    /// Downloads, verifies and parses one file (see `ArchiveSource.fetch`).
    public func fetch(_ file: ArchiveFileID) async throws -> ArchiveFetch {
        try await slots.run { try await self.download(file) }
    }

    private func download(_ file: ArchiveFileID) async throws -> ArchiveFetch {
        var requests = 0
        var bytes = 0
        func fallback(_ reason: ArchiveFallback.Reason, _ detail: String) -> ArchiveFetch {
            ArchiveFetch(outcome: .fallback(ArchiveFallback(reason, detail)), requests: requests, bytes: bytes)
        }
        for attempt in 1...2 {
            async let sidecar = get(file.checksumPath, maxBytes: 64 << 10)
            async let archive = get(file.path, maxBytes: Self.maxZipBytes)
            let (checksum, zip) = try await (sidecar, archive)
            requests += checksum.requests + zip.requests
            let body: Data
            switch zip.answer {
            case .notFound: return fallback(.missing, "\(file.path) is not in the archive (404)")
            case .failed(let problem): return fallback(.unreachable, "\(file.path): \(problem)")
            case .body(let data):
                body = data
                bytes += data.count
            }
            let expected: String
            switch checksum.answer {
            case .notFound: return fallback(.noChecksum, "\(file.checksumPath) is not in the archive (404)")
            case .failed(let problem): return fallback(.noChecksum, "\(file.checksumPath): \(problem)")
            case .body(let data):
                guard let hex = ArchiveChecksum.expected(in: Array(data)) else {
                    return fallback(.noChecksum, "\(file.checksumPath) does not hold a SHA-256")
                }
                expected = hex
            }
            let actual = ArchiveChecksum.digest(of: body)
            guard actual == expected else {
                if attempt == 1 {
                    logger.info(
                        "archive checksum mismatch; downloading once more",
                        metadata: ["file": "\(file.path)", "expected": "\(expected)", "actual": "\(actual)"])
                    continue
                }
                return fallback(.checksumMismatch, "\(file.zipName): SHA-256 \(actual), .CHECKSUM says \(expected)")
            }
            var parser = ArchiveCSVParser(interval: file.interval, period: file.period)
            do {
                try ArchiveZip.parse(body, into: &parser)
            } catch .broken(let problem) {
                return fallback(.brokenZip, "\(file.zipName): \(problem)")
            } catch .row(let problem) {
                return fallback(.invalidRow, "\(file.csvName) \(problem)")
            }
            return ArchiveFetch(outcome: .bars(parser.bars), requests: requests, bytes: bytes)
        }
        return fallback(.checksumMismatch, "\(file.zipName)")
    }

    /// What one GET gave after retries, and how many requests it took.
    struct Download {
        enum Answer {
            case body(Data)
            case notFound
            case failed(String)
        }

        var answer: Answer
        var requests: Int
    }

    /// GETs `path` under the base URL; retries transport errors, timeouts, 408, 429 and 5xx with backoff.
    func get(_ path: String, maxBytes: Int) async throws -> Download {
        let url = baseURL + path
        var attempts = 0
        while true {
            attempts += 1
            let problem: String
            do {
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "User-Agent", value: "klinesync")
                let response = try await httpClient.execute(
                    request, timeout: .nanoseconds(requestTimeout.nanoseconds))
                let status = Int(response.status.code)
                if status == 200 {
                    let buffer = try await response.body.collect(upTo: maxBytes)
                    let data = Data(buffer.readableBytesView)
                    return Download(answer: .body(data), requests: attempts)
                }
                _ = try? await response.body.collect(upTo: 1 << 16)
                if status == 404 { return Download(answer: .notFound, requests: attempts) }
                guard status >= 500 || status == 408 || status == 429 else {
                    return Download(answer: .failed("HTTP \(status)"), requests: attempts)
                }
                problem = "HTTP \(status)"
            } catch let error as CancellationError {
                throw error
            } catch {
                try Task.checkCancellation()
                problem =
                    "\(error)".contains("TooManyBytes")
                    ? "larger than \(maxBytes) bytes" : ConnectionFailure(error, url: baseURL).phrase
                if problem.hasPrefix("larger") { return Download(answer: .failed(problem), requests: attempts) }
            }
            guard attempts < retry.maxAttempts else {
                return Download(answer: .failed("\(problem) after \(attempts) attempts"), requests: attempts)
            }
            let delay = retry.backoff(retry: attempts)
            logger.debug(
                "archive request failed; retrying",
                metadata: ["path": "\(path)", "attempt": "\(attempts)", "error": "\(problem)"])
            try await clock.sleep(delay / 2 + delay * Double.random(in: 0...0.5))
        }
    }
}
