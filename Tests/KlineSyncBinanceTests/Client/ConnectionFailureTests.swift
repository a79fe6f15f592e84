import AsyncHTTPClient
import KlineSyncCore
import KlineSyncSimulator
import Testing

@testable import KlineSyncBinance

/// A base URL that cannot be reached fails the first request at once, in the project's words; once the exchange
/// has answered, the same failures are retried (it may be restarting).
@Suite struct ConnectionFailureTests {
    static let retry = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(500), maxBackoff: .seconds(4))

    /// The URL of a loopback port that nothing listens on any more (a simulator was started on it and stopped).
    func closedPort() async throws -> String {
        let sim = try await Simulator.start(SimulatorConfiguration(market: .usdm, symbolCount: 2))
        let url = sim.baseURL
        await sim.stop()
        return url
    }

    @Test func aRefusedFirstRequestFailsAtOnceSayingWhatToCheck() async throws {
        let url = try await closedPort()
        let client = BinanceClient(market: .usdm, baseURL: url, retry: Self.retry, logger: Harness.quiet)
        let error = await #expect(throws: ConnectionFailure.self) { _ = try await client.serverTime() }
        #expect(error?.kind == .refused)
        #expect(error?.description == "cannot connect to \(url) (connection refused): is base_url right?")
        let stats = await client.stats()
        #expect(stats.requests == 1 && stats.retries == 0)
        try await client.shutdown()
    }

    @Test func anUnknownHostFailsAtOnceSayingWhatToCheck() async throws {
        let client = BinanceClient(
            market: .usdm, baseURL: "http://klinesync-no-such-host.invalid", retry: Self.retry, logger: Harness.quiet)
        let error = await #expect(throws: ConnectionFailure.self) { _ = try await client.exchangeInfo() }
        #expect(error?.kind == .hostNotFound)
        #expect(
            error?.description
                == "cannot connect to http://klinesync-no-such-host.invalid (host name not found): is base_url right?")
        #expect(await client.stats().requests == 1)
        try await client.shutdown()
    }

    @Test func aRefusedConnectionLaterInARunIsRetried() async throws {
        let sim = try await Simulator.start(SimulatorConfiguration(market: .usdm, symbolCount: 2))
        let retry = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10))
        let client = BinanceClient(market: .usdm, baseURL: sim.baseURL, retry: retry, logger: Harness.quiet)
        _ = try await client.serverTime()
        await sim.stop()
        do {
            _ = try await client.serverTime()
            Issue.record("expected the stopped simulator to fail the request")
        } catch let error as ExchangeError {
            guard case .exhausted(let attempts, .transport(let message, _)) = error else {
                Issue.record("expected retries to be used up on a transport error, got \(error)")
                return
            }
            #expect(attempts == 3)
            #expect(!message.contains("errno") && !message.contains("error set"), "\(message)")
        }
        #expect(await client.stats().retries == 2)
        try await client.shutdown()
    }

    @Test func namesTheHTTPStacksFailuresInPlainWords() {
        let url = "https://fapi.binance.com"
        #expect(ConnectionFailure(HTTPClientError.connectTimeout, url: url).kind == .connectTimeout)
        #expect(ConnectionFailure(HTTPClientError.deadlineExceeded, url: url).kind == .answerTimeout)
        #expect(ConnectionFailure(HTTPClientError.tlsHandshakeTimeout, url: url).kind == .tls)
        #expect(ConnectionFailure(HTTPClientError.remoteConnectionClosed, url: url).kind == .reset)
        let kind = ConnectionFailure.kind(ofText:type:)
        #expect(kind("connection reset (error set): Connection refused (errno: 111)", "NIOCore.IOError") == .refused)
        #expect(kind("DNS error: unknown(host: \"x.invalid\")", "NIOPosix.NIOConnectionError") == .hostNotFound)
        #expect(kind("handshakeFailed(...)", "NIOSSL.NIOSSLError") == .tls)
        #expect(kind("connect(descriptor:addr:size:) (errno: 113)", "NIOCore.IOError") == .unreachable)
        #expect(kind("something new", "Other.Error") == .other)
        #expect(!ConnectionFailure(HTTPClientError.connectTimeout, url: url).description.contains("HTTPClientError"))
        #expect(ConnectionFailure(HTTPClientError.remoteConnectionClosed, url: url).isFatalBeforeFirstAnswer == false)
    }
}
