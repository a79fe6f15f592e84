import Hummingbird
import KlineSyncCore

/// Answers Binance market-data requests: routing, weight accounting, delays and faults.
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext

    let engine: SimulatorEngine
    let archive: SimulatorArchive

    /// The endpoints of one market.
    enum Endpoint: Equatable {
        /// `/klines`, and on futures `/markPriceKlines`, `/indexPriceKlines`, `/premiumIndexKlines`.
        case klines(Dataset)
        /// Futures `/fundingRate`.
        case fundingRate
        /// USD-M `/fundingInfo`.
        case fundingInfo
        case exchangeInfo, time, ping

        /// Whether the request counts against USD-M's funding-history limit instead of request weight.
        func isFundingHistory(on market: Market) -> Bool {
            market == .usdm && (self == .fundingRate || self == .fundingInfo)
        }
    }

    static let usedWeightHeader = HTTPFields.Element.Name("x-mbx-used-weight-1m")!
    static let usedWeightTotalHeader = HTTPFields.Element.Name("x-mbx-used-weight")!
    static let retryAfterHeader = HTTPFields.Element.Name("Retry-After")!

    func respond(to request: Request, context: Context) async throws -> Response {
        let market = engine.market
        let path = request.uri.path
        if request.method == .get, ArchiveRequest.isArchivePath(path) {
            return try await archiveResponse(path: path)
        }
        guard request.method == .get, let endpoint = Self.endpoint(path, market: market) else {
            engine.state.record(status: 404)
            return Self.response(APIError.unknownPath(path, method: request.method.rawValue), used: nil)
        }
        var parameters: [Substring: Substring] = [:]
        for (key, value) in request.uri.queryParameters where parameters[key] == nil { parameters[key] = value }
        if endpoint.isFundingHistory(on: market) {
            return fundingHistory(endpoint, parameters: parameters)
        }

        let weight: Int
        var faultKey: Substring?
        switch endpoint {
        case .klines(let dataset):
            weight = KlineQuery.weight(market: market, limitText: parameters["limit"])
            faultKey = parameters[dataset.keyedByPair ? "pair" : "symbol"]
        case .exchangeInfo: weight = market.exchangeInfoWeight
        case .time, .ping, .fundingRate, .fundingInfo: weight = market.timeWeight
        }
        let admission = engine.state.admit(weight: weight, symbol: faultKey)
        let used: Int
        switch admission.decision {
        case .allowed(let u):
            used = u
        case .limited(let u, let retryAfter):
            engine.state.record(status: 429)
            let error = APIError(
                status: 429, code: -1003,
                message: "Too many requests; current limit of IP(127.0.0.1) request weight is "
                    + "\(engine.configuration.weightLimit) per 1 MINUTE. Please use WebSocket Streams for live "
                    + "updates to avoid polling the API.")
            return Self.response(error, used: u, retryAfter: retryAfter)
        case .banned(let until, let u, let retryAfter):
            engine.state.record(status: 418)
            let error = APIError(
                status: 418, code: -1003,
                message: "Way too many requests; IP(127.0.0.1) banned until \(until). Please use WebSocket Streams "
                    + "for live updates to avoid bans.")
            return Self.response(error, used: u, retryAfter: retryAfter)
        }

        try await delay(admission)
        if case .latency = admission.fault {
        } else if let fault = admission.fault {
            return try await faulty(
                fault, endpoint: endpoint, parameters: parameters, admission: admission, used: used,
                context: context)
        }
        if case .klines = endpoint, randomFailure(admission.sequence) {
            let statuses = [500, 502, 503]
            let status = statuses[Int(Hashing.mix(engine.configuration.seed, Int64(admission.sequence)) % 3)]
            engine.state.record(status: status, randomFault: true)
            return Self.response(APIError.server(status), used: used)
        }
        return serve(endpoint, parameters: parameters, now: admission.now, used: used, malformed: nil)
    }

    /// A complete answer before it becomes a response.
    struct Answer {
        var status: Int
        var body: [UInt8]
        var rows = 0
    }

    /// The normal answer of an endpoint, recorded in the counters.
    func serve(
        _ endpoint: Endpoint, parameters: [Substring: Substring], now: Int64, used: Int, malformed: Fault.MalformedRow?
    ) -> Response {
        let answer = answer(endpoint, parameters: parameters, now: now, malformed: malformed)
        engine.state.record(status: answer.status, bars: answer.rows)
        return Self.response(status: HTTPResponse.Status(code: answer.status), body: answer.body, used: used)
    }

    /// The normal answer of an endpoint.
    func answer(
        _ endpoint: Endpoint, parameters: [Substring: Substring], now: Int64, malformed: Fault.MalformedRow?
    ) -> Answer {
        switch endpoint {
        case .ping:
            return Answer(status: 200, body: Array("{}".utf8))
        case .time:
            return Answer(status: 200, body: engine.timeBody(now: now))
        case .exchangeInfo:
            let document = ExchangeInfoDocument(
                market: engine.market, weightLimit: engine.configuration.weightLimit,
                instruments: engine.universe.instruments)
            return Answer(status: 200, body: document.json(now: now).bytes)
        case .klines(let dataset):
            do throws(APIError) {
                let query = try KlineQuery(
                    parameters: parameters, market: engine.market, universe: engine.universe, dataset: dataset)
                let (body, rows) =
                    dataset == .klines
                    ? engine.klinesBody(query, now: now, malformed: malformed)
                    : engine.derivedKlinesBody(query, now: now, malformed: malformed)
                return Answer(status: 200, body: body, rows: rows)
            } catch {
                return Answer(status: error.status, body: error.body)
            }
        case .fundingRate:
            do throws(APIError) {
                let query = try FundingQuery(parameters: parameters, universe: engine.universe)
                return Answer(status: 200, body: engine.fundingBody(query, now: now).bytes)
            } catch {
                return Answer(status: error.status, body: error.body)
            }
        case .fundingInfo:
            return Answer(status: 200, body: engine.fundingInfoBody(now: now))
        }
    }

    /// Configured latency and jitter, plus a scripted latency fault.
    private func delay(_ admission: SimulatorState.Admission) async throws {
        let config = engine.configuration
        var millis = config.latencyMillis
        if config.jitterMillis > 0 {
            let h = Hashing.mix(config.seed ^ 0x1177E4, Int64(admission.sequence))
            millis += Int(h % UInt64(config.jitterMillis + 1))
        }
        if case .latency(let extra) = admission.fault { millis += extra }
        if millis > 0 { try await Task.sleep(for: .milliseconds(millis)) }
    }

    private func randomFailure(_ sequence: UInt64) -> Bool {
        let rate = engine.configuration.failRate
        guard rate > 0 else { return false }
        return Hashing.unit(Hashing.mix(engine.configuration.seed ^ 0xFA11, Int64(sequence))) < rate
    }

    static func endpoint(_ path: String, market: Market) -> Endpoint? {
        let prefix = market.pathPrefix
        guard path.hasPrefix(prefix) else { return nil }
        let name = path.dropFirst(prefix.count)
        switch name {
        case "/exchangeInfo": return .exchangeInfo
        case "/time": return .time
        case "/ping": return .ping
        case "/fundingRate" where market.isFutures: return .fundingRate
        case "/fundingInfo" where market == .usdm: return .fundingInfo
        default:
            // Spot has trade klines only: its other dataset paths are unknown paths, as on Binance.
            guard name.hasPrefix("/"), let dataset = Dataset(endpoint: name.dropFirst()), dataset.isOffered(on: market)
            else { return nil }
            return .klines(dataset)
        }
    }

    static func headers(used: Int?, contentLength: Int) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json;charset=UTF-8"]
        headers[.contentLength] = String(contentLength)
        if let used {
            headers[usedWeightHeader] = String(used)
            headers[usedWeightTotalHeader] = String(used)
        }
        return headers
    }

    static func response(status: HTTPResponse.Status, body: [UInt8], used: Int?) -> Response {
        Response(
            status: status, headers: headers(used: used, contentLength: body.count),
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func response(_ error: APIError, used: Int?, retryAfter: Int? = nil) -> Response {
        var response = response(status: HTTPResponse.Status(code: error.status), body: error.body, used: used)
        if let retryAfter { response.headers[retryAfterHeader] = String(retryAfter) }
        return response
    }
}
