import KlineSyncCore
import KlineSyncSimulator

@testable import KlineSyncBinance

extension Harness {
    /// klinesync's simulator on a real loopback port (seed 5, 30 instruments, no weight limit to speak of, its clock
    /// fixed at `now`) and a client of it that has read the server time; both are stopped afterwards.
    static func withSimulator<T: Sendable>(
        _ market: Market, now: Int64, failRate: Double = 0, retry: RetryPolicy? = nil,
        _ body: (RunningSimulator, BinanceClient) async throws -> T
    ) async throws -> T {
        let sim = try await Simulator.start(
            SimulatorConfiguration(
                market: market, seed: 5, symbolCount: 30, weightLimit: 1_000_000, failRate: failRate,
                clock: .fixed(now)))
        let pacing = ClientPacing(weightPerMinute: 1_000_000, concurrency: 8)
        let client =
            retry.map {
                BinanceClient(market: market, baseURL: sim.baseURL, pacing: pacing, retry: $0, logger: quiet)
            } ?? BinanceClient(market: market, baseURL: sim.baseURL, pacing: pacing, logger: quiet)
        do {
            _ = try await client.serverTime()
            let value = try await body(sim, client)
            try await client.shutdown()
            await sim.stop()
            return value
        } catch {
            try? await client.shutdown()
            await sim.stop()
            throw error
        }
    }
}
