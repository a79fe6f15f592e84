import AsyncHTTPClient
import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

@Suite struct FaultTests {
    let query = "symbol=BTCUSDT&interval=1m&limit=200"

    @Test(arguments: [500, 502, 503])
    func scriptedServerErrorsAnswerWithThatStatusOnce(status: Int) async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            sim.script(symbol: "BTCUSDT", faults: [.serverError(status)])
            let failed = try await client.klines(.usdm, query)
            #expect(failed.status == status)
            #expect((try failed.json() as? [String: Any])?["code"] is Int)
            #expect(failed.header("x-mbx-used-weight-1m") != nil)
            let other = try await client.klines(.usdm, "symbol=ETHUSDT&interval=1m&limit=5")
            let retried = try await client.klines(.usdm, query)
            #expect(other.status == 200 && retried.status == 200)
            #expect(sim.counters.faultsInjected == 1)
        }
    }

    @Test func resetClosesTheConnectionWithoutAResponse() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            sim.script(symbol: "*", faults: [.reset])
            await #expect(throws: (any Error).self) { try await client.klines(.usdm, query) }
            let next = try await client.klines(.usdm, query)
            #expect(next.status == 200)
            #expect(sim.counters[0] == 1)
        }
    }

    @Test func truncatedBodiesFailInTheClient() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            sim.script(symbol: "BTCUSDT", faults: [.truncated])
            await #expect(throws: (any Error).self) { try await client.klines(.usdm, query) }
            let next = try await client.klines(.usdm, query)
            #expect(try next.rows().count == 200)
        }
    }

    @Test func slowBodiesArriveCompleteButLate() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            let normal = try await client.klines(.usdm, query)
            sim.script(symbol: "BTCUSDT", faults: [.slowBody(400)])
            let clock = ContinuousClock()
            let start = clock.now
            let slow = try await client.klines(.usdm, query)
            #expect(clock.now - start >= .milliseconds(350))
            #expect(slow.body == normal.body)
        }
    }

    @Test func latencyDelaysTheResponse() async throws {
        var configuration = testConfiguration()
        configuration.latencyMillis = 100
        configuration.jitterMillis = 50
        try await withSimulator(configuration) { sim, client in
            let clock = ContinuousClock()
            var start = clock.now
            _ = try await client.get("/fapi/v1/ping")
            #expect(clock.now - start >= .milliseconds(100))
            sim.script(symbol: "BTCUSDT", faults: [.latency(300)])
            start = clock.now
            #expect(try await client.klines(.usdm, query).status == 200)
            #expect(clock.now - start >= .milliseconds(400))
        }
    }

    @Test func malformedRowsBreakOneRow() async throws {
        try await withSimulator(testConfiguration()) { sim, client in
            sim.script(symbol: "BTCUSDT", faults: [.malformedRow(.missingField), .malformedRow(.nonNumericPrice)])
            let short = try await client.klines(.usdm, query).rows()
            #expect(short.filter { $0.count == 11 }.count == 1)
            #expect(short.filter { $0.count == 12 }.count == 199)
            let garbled = try await client.klines(.usdm, query).rows()
            let prices = garbled.map { $0[1] as? String ?? "" }
            #expect(prices.filter { !DecimalText.isValid($0) }.count == 1)
        }
    }

    @Test func failRateAnswersThatFractionOfKlinesWith5xx() async throws {
        var configuration = testConfiguration()
        configuration.failRate = 0.3
        try await withSimulator(configuration) { sim, client in
            var failures = 0
            for _ in 0..<100 {
                let status = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=10").status
                #expect(status == 200 || [500, 502, 503].contains(status))
                if status != 200 { failures += 1 }
            }
            #expect((15...45).contains(failures))
            #expect(try await client.get("/fapi/v1/time").status == 200)
            #expect(sim.counters.faultsInjected == failures)
        }
    }

    @Test func configuredFaultsApplyFromTheStart() async throws {
        var configuration = testConfiguration()
        configuration.faults = ["ETH*": [.serverError(502), .serverError(503)]]
        try await withSimulator(configuration) { _, client in
            let a = try await client.klines(.usdm, "symbol=ETHUSDT&interval=1m&limit=5").status
            let b = try await client.klines(.usdm, "symbol=BTCUSDT&interval=1m&limit=5").status
            let c = try await client.klines(.usdm, "symbol=ETHUSDT_240329&interval=1m&limit=5").status
            let d = try await client.klines(.usdm, "symbol=ETHUSDT&interval=1m&limit=5").status
            let statuses: [Int] = [a, b, c, d]
            #expect(statuses == [502, 200, 503, 200])
        }
    }

    @Test func stoppedSimulatorRefusesConnections() async throws {
        let sim = try await Simulator.start(testConfiguration())
        let client = SimClient(baseURL: sim.baseURL)
        #expect(try await client.get("/fapi/v1/ping").status == 200)
        await sim.stop()
        await #expect(throws: (any Error).self) { try await client.get("/fapi/v1/ping") }
        try await client.shutdown()
    }
}
