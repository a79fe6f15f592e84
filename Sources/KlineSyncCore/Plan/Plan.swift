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
    public var totals: PlanTotals

    /// Whether applying the plan would change anything (retire changes nothing).
    public var hasChanges: Bool { series.contains { $0.hasChanges } }
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
            totals = try container.decode(PlanTotals.self, forKey: .totals)
        } catch let error as DecodingError {
            throw PlanFormatError(error)
        }
    }
}

/// The kinds of action, in the design's vocabulary.
public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing stored yet: fetch the whole window.
    case create
    /// Newer bars closed since the last stored one.
    case extend
    /// Older bars wanted before the first stored one.
    case backfill
    /// Interior gaps that are not confirmed empty.
    case repair
    /// Re-fetch and replace atomically (force rule or `--force`).
    case replace
    /// Delete stored bars outside the desired window (`prune: true`).
    case prune
    /// The series left the manifest or the symbol left the universe: no fetch, data kept.
    case retire
    /// Up to date.
    case noop

    /// Whether the action fetches bars.
    public var fetches: Bool { [.create, .extend, .backfill, .repair, .replace].contains(self) }
}

/// One action on one series: the ranges it fetches (or deletes, for prune) and what that costs.
public struct PlannedAction: Sendable, Hashable, Codable {
    public var kind: ActionKind
    /// Half-open ranges of open times: fetched for create/extend/backfill/repair/replace, deleted for prune.
    public var ranges: [TimeRange]
    /// Bars expected (fetched, or deleted for prune).
    public var bars: Int64
    public var requests: Int
    public var weight: Int

    public init(kind: ActionKind, ranges: [TimeRange], bars: Int64, requests: Int, weight: Int) {
        self.kind = kind
        self.ranges = ranges
        self.bars = bars
        self.requests = requests
        self.weight = weight
    }
}

/// The plan of one series.
public struct SeriesPlan: Sendable, Hashable, Codable {
    public var symbol: String
    public var interval: Interval
    /// The desired window `[start, end)` of open times, nil for retired series.
    public var desired: TimeRange?
    /// What was stored when planning.
    public var stored: StoredState?
    public var actions: [PlannedAction]
    /// Identifies the stored state the plan was made against (`apply PLAN` compares it).
    public var fingerprint: String

    /// Stored coverage of a series.
    public struct StoredState: Sendable, Hashable, Codable {
        public var first: Int64
        public var last: Int64
        public var bars: Int64
    }

    /// Whether applying changes anything for this series.
    public var hasChanges: Bool { actions.contains { $0.kind != .noop && $0.kind != .retire } }

    public var requests: Int { actions.reduce(0) { $0 + $1.requests } }
    public var weight: Int { actions.reduce(0) { $0 + $1.weight } }

    /// The series key on a market.
    public func key(market: Market) -> SeriesKey { SeriesKey(market: market, symbol: symbol, interval: interval) }
}

/// Totals over a plan.
public struct PlanTotals: Sendable, Hashable, Codable {
    /// Series per action kind (a series with several actions counts in each).
    public var series: [String: Int]
    public var requests: Int
    public var weight: Int
    /// Bars expected to be fetched.
    public var barsToFetch: Int64
    /// Bars expected to be deleted by prune.
    public var barsToDelete: Int64
    /// Estimated duration at the pacing budget (seconds).
    public var estimatedSeconds: Double

    /// Series count for an action.
    public func count(_ kind: ActionKind) -> Int { series[kind.rawValue] ?? 0 }
}
