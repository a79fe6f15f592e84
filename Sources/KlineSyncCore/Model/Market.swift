/// A Binance market: spot, USD-M futures or COIN-M futures.
///
/// Carries the per-market facts the planner, client and simulator share: paths, page limits and request weights.
public enum Market: String, Sendable, Codable, CaseIterable, Hashable {
    case spot
    case usdm
    case coinm

    /// The exchange name stored with every bar.
    public static let exchangeName = "binance"

    /// The production REST base URL users get when a manifest names none.
    public var defaultBaseURL: String {
        switch self {
        case .spot: "https://api.binance.com"
        case .usdm: "https://fapi.binance.com"
        case .coinm: "https://dapi.binance.com"
        }
    }

    /// The path prefix of the market's REST API (`/api/v3`, `/fapi/v1`, `/dapi/v1`).
    public var pathPrefix: String {
        switch self {
        case .spot: "/api/v3"
        case .usdm: "/fapi/v1"
        case .coinm: "/dapi/v1"
        }
    }

    /// Whether this is a futures market (USD-M or COIN-M).
    public var isFutures: Bool { self != .spot }

    /// Largest `limit` the klines endpoint accepts.
    public var maxKlineLimit: Int { self == .spot ? 1000 : 1500 }

    /// `limit` used when a request sends none.
    public var defaultKlineLimit: Int { 500 }

    /// Request weight of one klines call with the given `limit`.
    public func klineWeight(limit: Int) -> Int {
        switch self {
        case .spot:
            return 2
        case .usdm, .coinm:
            switch limit {
            case ..<100: return 1
            case ..<500: return 2
            case ...1000: return 5
            default: return 10
            }
        }
    }

    /// Request weight of one exchangeInfo call.
    public var exchangeInfoWeight: Int { self == .spot ? 20 : 1 }

    /// Request weight of the server-time call.
    public var timeWeight: Int { 1 }

    /// Longest span (ms) a single klines window may cover, if the market limits it (COIN-M: 200 days).
    public var maxWindowMillis: Int64? { self == .coinm ? 200 * 86_400_000 : nil }

    /// Weight-per-minute limit Binance documents for the market, used when the exchange does not advertise one.
    public var documentedWeightLimit: Int {
        switch self {
        case .spot: 6000
        case .usdm: 2400
        case .coinm: 6000
        }
    }

    /// Interval names the market supports.
    public var intervals: [Interval] {
        self == .spot ? Interval.all : Interval.all.filter { $0.name != "1s" }
    }
}
