import Foundation
import Hummingbird
import HummingbirdTesting
import KlineSyncCore

/// A request context that remembers the client's port: one port per TCP connection.
struct PeerContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let peerPort: Int?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerPort = source.channel.remoteAddress?.port
    }
}

extension ScriptedBinanceServer {
    /// The server's routes on a Hummingbird router.
    func makeApplication() -> some ApplicationProtocol {
        let router = Router(context: PeerContext.self)
        let prefix = market.pathPrefix
        for endpoint in ["/time", "/exchangeInfo", "/klines"] {
            router.get(RouterPath(prefix + endpoint)) { request, context -> Response in
                self.begin(peer: context.peerPort)
                defer { self.end() }
                var query: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
                let reply = self.handle(path: prefix + endpoint, query: query)
                var headers = HTTPFields()
                headers[.contentType] = "application/json;charset=UTF-8"
                headers[.init("x-mbx-used-weight-1m")!] = String(reply.usedWeight)
                if let retryAfter = reply.retryAfter { headers[.retryAfter] = String(retryAfter) }
                return Response(
                    status: .init(code: reply.status), headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body)))
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Runs `body` with the server listening on a loopback port; passes the base URL.
    func run<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        try await makeApplication().test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    /// The exchangeInfo body: every configured symbol trading, plus one delisted, with the weight limit.
    func exchangeInfoBody(time: Int64) -> String {
        var entries: [String] = []
        let statusKey = market == .coinm ? "contractStatus" : "status"
        for symbol in configuration.symbols.keys.sorted() + ["OLDUSDT"] {
            let status = symbol == "OLDUSDT" ? (market == .spot ? "BREAK" : "SETTLING") : "TRADING"
            var fields = [
                "\"symbol\":\"\(symbol)\"", "\"\(statusKey)\":\"\(status)\"", "\"baseAsset\":\"\(symbol.prefix(3))\"",
                "\"quoteAsset\":\"USDT\"", "\"someNewField\":{\"nested\":[1,2]}",
            ]
            if market.isFutures {
                fields += [
                    "\"contractType\":\"PERPETUAL\"", "\"marginAsset\":\"USDT\"",
                    "\"onboardDate\":\(configuration.symbols[symbol] ?? 0)", "\"deliveryDate\":4133404800000",
                ]
            }
            entries.append("{" + fields.joined(separator: ",") + "}")
        }
        return """
            {"timezone":"UTC","serverTime":\(time),"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE",\
            "intervalNum":1,"limit":\(configuration.weightLimit)}],"exchangeFilters":[],"symbols":[\(entries.joined(separator: ","))]}
            """
    }
}
