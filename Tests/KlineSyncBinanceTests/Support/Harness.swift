import AsyncHTTPClient
import KlineSyncCore
import Logging

@testable import KlineSyncBinance

/// Runs a client against a scripted server on a real loopback port, both on one scaled clock.
enum Harness {
    static let quiet = Logger(label: "klinesync.test") { _ in SwiftLogNoOpLogHandler() }

    static func run<Value: Sendable>(
        _ configuration: ScriptedBinanceServer.Configuration, factor: Int = 60,
        pacing: ClientPacing = ClientPacing(weightPerMinute: 1200, concurrency: 8),
        retry: RetryPolicy = RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(2)),
        _ body: @Sendable (ScriptedBinanceServer, BinanceClient) async throws -> Value
    ) async throws -> Value {
        let clock = ScaledClock(factor: factor)
        let server = ScriptedBinanceServer(configuration, clock: clock)
        return try await server.run { url in
            let client = BinanceClient(
                market: configuration.market, baseURL: url, pacing: pacing, retry: retry, clock: clock, logger: quiet)
            do {
                let value = try await body(server, client)
                try await client.shutdown()
                return value
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// UTC midnight of a date, in ms.
    static func day(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        CivilDate(year: year, month: month, day: day).millis
    }

    /// Runs `count` operations concurrently and returns their results in order.
    static func concurrently<Value: Sendable>(
        _ count: Int, _ operation: @escaping @Sendable (Int) async throws -> Value
    ) async -> [Result<Value, any Error>] {
        await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
            for index in 0..<count {
                group.addTask {
                    do { return (index, .success(try await operation(index))) } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<Value, any Error>?](repeating: nil, count: count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }
}
