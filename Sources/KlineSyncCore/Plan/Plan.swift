/// What `plan` found: per series, the actions that close the gap between the manifest and the database.
///
/// A saved plan (`plan --out`) also records the database's lineage id and a fingerprint of every planned series,
/// so `apply PLAN` can refuse to run it once the database has changed.
public struct Plan: Sendable, Hashable, Codable {
    /// Format of the JSON document; "1".
    public var formatVersion: String = "1"
    /// The manifest the plan was made from (absolute path) and the SHA-256 of its bytes.
    public var manifestPath: String
    public var manifestDigest: String
    public var exchange: String
    public var market: Market
    /// The database as printed (password redacted).
    public var database: String
    /// Lineage id of the database, nil when the database does not exist yet.
    public var lineageId: String?
    /// Server time (ms) the closed-bar horizon was computed from.
    public var serverTime: Int64
    /// Weight-per-minute budget the estimate assumes.
    public var weightBudget: Int
    public var concurrency: Int
    /// How the estimate and the fetch size pages (nil in plans saved before it was recorded: least weight).
    public var paging: Paging.Mode?
    /// Every series of the universe and every stored series that left it.
    public var series: [SeriesPlan]
    /// The funding history of every perpetual of the universe when the manifest asks for it, and of every stored
    /// one that left it; nil (omitted from JSON) when neither.
    public var funding: [FundingPlan]? = nil
    public var totals: PlanTotals

    /// Whether applying the plan would change anything (retire changes nothing).
    public var hasChanges: Bool { series.contains { $0.hasChanges } || (funding ?? []).contains { $0.hasChanges } }
}

extension Plan {
    /// Decodes a saved plan. Every identity field (`format_version`, `manifest_path`, `manifest_digest`, `exchange`,
    /// `market`, `database`, `server_time`, and `symbol`, `interval`, `actions` and `fingerprint` of every series)
    /// must be there; a missing or mistyped one throws a `PlanFormatError` that names it.
    public init(from decoder: any Decoder) throws {
        do {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            formatVersion = try container.decode(String.self, forKey: .formatVersion)
            manifestPath = try container.decode(String.self, forKey: .manifestPath)
            manifestDigest = try container.decode(String.self, forKey: .manifestDigest)
            exchange = try container.decode(String.self, forKey: .exchange)
            market = try container.decode(Market.self, forKey: .market)
            database = try container.decode(String.self, forKey: .database)
            lineageId = try container.decodeIfPresent(String.self, forKey: .lineageId)
            serverTime = try container.decode(Int64.self, forKey: .serverTime)
            weightBudget = try container.decode(Int.self, forKey: .weightBudget)
            concurrency = try container.decode(Int.self, forKey: .concurrency)
            paging = try container.decodeIfPresent(Paging.Mode.self, forKey: .paging)
            series = try container.decode([SeriesPlan].self, forKey: .series)
            funding = try container.decodeIfPresent([FundingPlan].self, forKey: .funding)
            totals = try container.decode(PlanTotals.self, forKey: .totals)
        } catch let error as DecodingError {
            throw PlanFormatError(error)
        }
    }
}
