/// Which kline dataset a series holds (DESIGN §9): trade klines, or a futures market's mark-price, index-price or
/// premium-index klines. All four have the kline row shape; the last three are futures only.
public enum Dataset: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Trade klines (`/klines`), on every market.
    case klines
    /// Mark-price klines (`/markPriceKlines`), futures only.
    case markPrice = "mark_price"
    /// Index-price klines (`/indexPriceKlines`, keyed by the `pair`), futures only.
    case indexPrice = "index_price"
    /// Premium-index klines (`/premiumIndexKlines`), futures only.
    case premiumIndex = "premium_index"

    /// Whether `market` offers the dataset (spot has trade klines only).
    public func isOffered(on market: Market) -> Bool { self == .klines || market.isFutures }

    /// The REST endpoint's last path component, and the archive's folder: `klines`, `markPriceKlines`, ….
    public var endpoint: String {
        switch self {
        case .klines: "klines"
        case .markPrice: "markPriceKlines"
        case .indexPrice: "indexPriceKlines"
        case .premiumIndex: "premiumIndexKlines"
        }
    }

    /// The dataset an endpoint name (`markPriceKlines`) serves.
    public init?(endpoint: some StringProtocol) {
        guard let dataset = Dataset.allCases.first(where: { $0.endpoint == endpoint }) else { return nil }
        self = dataset
    }

    /// Whether requests name the instrument by its `pair` (index prices) rather than its `symbol`.
    public var keyedByPair: Bool { self == .indexPrice }

    public var description: String { rawValue }

    public static func < (lhs: Dataset, rhs: Dataset) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
