import Foundation
import KlineSyncCore
import Testing

@testable import KlineSyncSimulator

/// `klinesync sim --outage` and `--fault` values.
struct CommandLineSpecTests {
    @Test func outagesReadWithAndWithoutAGlob() throws {
        let all = try Outage.parse("2024-03-01T00:00:00Z/2024-03-01T06:00:00Z")
        #expect(all.symbols == nil)
        #expect(
            all.range == TimeRange(start: Timestamp.parse("2024-03-01")!, end: Timestamp.parse("2024-03-01T06:00:00Z")!)
        )
        let some = try Outage.parse("BTC*=2024-03-01/2024-03-02")
        #expect(some.symbols == "BTC*" && some.applies(to: "BTCUSDT") && !some.applies(to: "ETHUSDT"))
        #expect(some.range.end - some.range.start == 86_400_000)
    }

    @Test(arguments: [
        ("2024-03-01", "expected [GLOB=]FROM/TO"), ("2024-03-02/2024-03-01", "FROM must be before TO"),
        ("=2024-03-01/2024-03-02", "glob before '=' is empty"), ("2024-03-01/soon", "must be dates"),
    ])
    func badOutagesSayWhatIsExpected(text: String, message: String) {
        #expect {
            _ = try Outage.parse(text)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains(text)
        }
    }

    @Test func faultScriptsReadEveryKind() throws {
        let script = try Fault.parseScript(
            "BTC*=500,502,503,reset,truncated,slow:300,latency:50,missing-field,bad-price")
        #expect(script.pattern == "BTC*")
        #expect(
            script.faults == [
                .serverError(500), .serverError(502), .serverError(503), .reset, .truncated, .slowBody(300),
                .latency(50), .malformedRow(.missingField), .malformedRow(.nonNumericPrice),
            ])
        for bad in ["BTCUSDT", "=503", "BTCUSDT=504", "BTCUSDT=503,", "BTCUSDT=slow:-1", "BTCUSDT=latency:x"] {
            #expect(throws: SimulatorSpecError.self, "\(bad)") { _ = try Fault.parseScript(bad) }
        }
    }

    /// A parsed script and outage drive a running simulator: the first requests fail as scripted, the next one
    /// succeeds, and the outage's bars are missing.
    @Test func parsedFaultsAndOutagesReachTheSimulator() async throws {
        let script = try Fault.parseScript("BTCUSDT=503,reset")
        let outage = try Outage.parse("ETHUSDT=2024-03-15T00:00:00Z/2024-03-15T02:00:00Z")
        var configuration = testConfiguration()
        configuration.outages = [outage]
        configuration.faults = [script.pattern: script.faults]
        try await withSimulator(configuration) { sim, client in
            let start = Timestamp.parse("2024-03-15T00:00:00Z")!
            let query = "interval=1h&limit=5&startTime=\(start)&symbol="
            #expect(try await client.klines(.usdm, query + "BTCUSDT").status == 503)
            await #expect(throws: (any Error).self) { try await client.klines(.usdm, query + "BTCUSDT") }
            #expect(try await client.klines(.usdm, query + "BTCUSDT").status == 200)
            #expect(sim.counters.faultsInjected == 2)
            // The 00:00 and 01:00 bars fall in the outage: the first bar served opens at 02:00.
            let rows = try await client.klines(.usdm, query + "ETHUSDT").rows()
            #expect((rows.first?[0] as? NSNumber)?.int64Value == start + 2 * 3_600_000)
        }
    }

    @Test func archiveFaultsReadAGlobAndKinds() throws {
        let fault = try ArchiveFault.parse("BTC*=bad-checksum,no-checksum,missing,truncated,hole,corrupt-once")
        #expect(fault.symbols == "BTC*")
        #expect(fault.kinds == Set(ArchiveFault.Kind.allCases))
        #expect(fault.applies(to: "BTCUSDT") && !fault.applies(to: "ETHUSDT"))
        #expect(try ArchiveFault.parse("*=hole,hole").kinds == [.hole])
    }

    @Test(arguments: [
        ("BTCUSDT=bad-checksun", "unknown archive fault 'bad-checksun'; did you mean 'bad-checksum'?"),
        ("BTCUSDT=wrong", "unknown archive fault 'wrong'; use bad-checksum, no-checksum, missing, truncated, hole"),
        ("BTCUSDT=hole,", "unknown archive fault ''"), ("BTCUSDT", "expected GLOB=KIND[,KIND…]"),
        ("=hole", "expected GLOB=KIND[,KIND…]"), ("btc*=hole", "'btc*' is not a symbol glob"),
    ])
    func badArchiveFaultsSayWhatIsExpected(text: String, message: String) {
        #expect {
            _ = try ArchiveFault.parse(text)
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("--archive-fault '\(text)'")
        }
    }

    /// A parsed archive fault reaches a running simulator.
    @Test func parsedArchiveFaultsReachTheSimulator() async throws {
        var configuration = testConfiguration()
        configuration.archiveFaults = [try ArchiveFault.parse("ETH*=missing")]
        try await withSimulator(configuration) { _, client in
            func path(_ symbol: String) -> String {
                "/data/futures/um/daily/klines/\(symbol)/1h/\(symbol)-1h-2024-03-10.zip"
            }
            let eth = try await client.get(path("ETHUSDT"))
            let btc = try await client.get(path("BTCUSDT"))
            #expect(eth.status == 404 && btc.status == 200)
        }
    }
}
