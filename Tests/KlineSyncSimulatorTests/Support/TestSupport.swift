import AsyncHTTPClient
import Foundation
import KlineSyncCore
import KlineSyncSimulator
import Testing

/// 2024-03-15T12:34:56.789Z: a fixed "now" inside a 1m, 1h, 1d, 1w and 1M bar.
let fixedNow: Int64 = Timestamp.parse("2024-03-15T12:34:56.789Z")!

/// An HTTP answer as a client sees it.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    /// The body parsed as JSON.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }

    /// The body as klines rows.
    func rows() throws -> [[Any]] { try #require(try json() as? [[Any]]) }

    /// A header, case-insensitively.
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Starts a simulator, hands it and a real HTTP client to `body`, then shuts both down.
func withSimulator<T>(
    _ configuration: SimulatorConfiguration,
    _ body: (RunningSimulator, SimClient) async throws -> T
) async throws -> T {
    let simulator = try await Simulator.start(configuration)
    let client = SimClient(baseURL: simulator.baseURL)
    do {
        let result = try await body(simulator, client)
        try await client.shutdown()
        await simulator.stop()
        return result
    } catch {
        try? await client.shutdown()
        await simulator.stop()
        throw error
    }
}

/// A small test configuration with a fixed clock and a generous weight limit.
func testConfiguration(
    _ market: Market = .usdm, symbols: Int = 12, weightLimit: Int? = 1_000_000, seed: UInt64 = 42
) -> SimulatorConfiguration {
    SimulatorConfiguration(
        market: market, seed: seed, symbolCount: symbols, weightLimit: weightLimit, clock: .fixed(fixedNow))
}

/// AsyncHTTPClient over real loopback HTTP.
final class SimClient: Sendable {
    let baseURL: String
    let http: HTTPClient

    init(baseURL: String) {
        self.baseURL = baseURL
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(20))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func get(_ pathAndQuery: String) async throws -> HTTPAnswer {
        let request = HTTPClientRequest(url: baseURL + pathAndQuery)
        let response = try await http.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return HTTPAnswer(status: Int(response.status.code), headers: headers, body: Array(buffer.readableBytesView))
    }

    /// A klines request on `market`'s path.
    func klines(_ market: Market, _ query: String) async throws -> HTTPAnswer {
        try await get(market.pathPrefix + "/klines?" + query)
    }

    func shutdown() async throws { try await http.shutdown() }
}

/// Loads a recorded fixture.
func fixture(_ name: String) throws -> Any {
    // This file is in the target's `Support/`; the fixtures are in its `Fixtures/`.
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/\(name)")
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url))
}

/// The JSON type of a parsed value: "string", "integer", "number", "bool", "array", "object", "null".
func jsonKind(_ value: Any) -> String {
    switch value {
    case is String: return "string"
    case let n as NSNumber:
        let type = String(cString: n.objCType)
        if type == "c" || type == "B" { return "bool" }
        return type == "d" || type == "f" ? "number" : "integer"
    case is [Any]: return "array"
    case is [String: Any]: return "object"
    default: return "null"
    }
}

/// A decoded kline row as klinesync's `Bar`.
func bar(_ row: [Any]) throws -> Bar {
    Bar(
        openTime: try #require((row[0] as? NSNumber)?.int64Value), open: try #require(row[1] as? String),
        high: try #require(row[2] as? String), low: try #require(row[3] as? String),
        close: try #require(row[4] as? String), volume: try #require(row[5] as? String),
        closeTime: try #require((row[6] as? NSNumber)?.int64Value), quoteVolume: try #require(row[7] as? String),
        trades: try #require((row[8] as? NSNumber)?.int64Value), takerBuyBaseVolume: try #require(row[9] as? String),
        takerBuyQuoteVolume: try #require(row[10] as? String))
}
