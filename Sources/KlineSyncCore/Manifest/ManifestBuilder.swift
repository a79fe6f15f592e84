import Foundation
import Yams

/// Builds a `Manifest` from a composed YAML tree, collecting every problem in `reader`.
struct ManifestBuilder {
    var reader: ManifestReader
    let directory: String
    let environment: [String: String]

    static let topKeys = [
        "version", "source", "database", "symbols", "intervals", "datasets", "funding", "force", "prune", "pacing",
        "retry", "report",
    ]

    mutating func build(_ root: Node) -> Manifest? {
        guard let entries = reader.mapping(root, "the manifest", allowed: Self.topKeys) else { return nil }
        reader.require(["version", "source", "database", "intervals"], in: entries, of: root, "the manifest")
        var version: Int?
        var source: Manifest.Source?
        var database: DatabaseLocation?
        var symbols = Manifest.SymbolFilter()
        var intervals: [Manifest.IntervalRule]?
        var datasets: [(Dataset, Node)]?
        var forceNode: Node?
        var funding: (rule: Manifest.FundingRule, node: Node)?
        var prune = false
        var pacing = Manifest.Pacing()
        var retry = Manifest.RetrySettings()
        var report = Manifest.ReportSettings(pathTemplate: resolve("reports/{run_id}.json"))
        for (key, _, value) in entries {
            switch key {
            case "version":
                let digits = value.scalar?.string.replacingOccurrences(of: "_", with: "") ?? ""
                if value.scalar?.style == .plain, ManifestReader.isWholeNumber(digits), Int(digits) != 1 {
                    reader.error(value, "unsupported manifest version \(digits); this klinesync reads version 1")
                } else {
                    version = reader.int(value, "version", in: 1...1)
                }
            case "source": source = buildSource(value)
            case "database": database = buildDatabase(value)
            case "symbols": symbols = buildSymbols(value, market: nil) ?? symbols
            case "intervals": intervals = buildIntervals(value, market: nil)
            case "datasets": datasets = buildDatasets(value)
            case "funding": funding = buildFunding(value).map { ($0, value) }
            case "force": forceNode = value
            case "prune": prune = reader.bool(value, "prune") ?? false
            case "pacing": pacing = buildPacing(value) ?? pacing
            case "retry": retry = buildRetry(value) ?? retry
            case "report": report = buildReport(value) ?? report
            default: break
            }
        }
        // Checks that depend on the market run once it is known.
        if let market = source?.market {
            if let node = entries.first(where: { $0.key == "intervals" })?.value, let rules = intervals {
                checkMarket(market, intervals: rules, node: node)
            }
            for (dataset, node) in datasets ?? [] where !dataset.isOffered(on: market) {
                reader.error(
                    node,
                    "dataset '\(dataset.rawValue)' is offered on futures markets (usdm, coinm) only; spot has klines only"
                )
            }
            if market == .spot, let key = entries.first(where: { $0.key == "funding" })?.keyNode {
                reader.error(
                    key, "funding rates exist on futures markets (usdm, coinm) only; remove funding for spot")
            }
            if market == .spot, let node = entries.first(where: { $0.key == "symbols" })?.value,
                let filter = node.mapping, let typesKey = filter.first(where: { $0.key.string == "contract_types" })
            {
                reader.error(
                    typesKey.key, "contract_types applies to futures markets (usdm, coinm) only; remove it for spot")
            }
        }
        var force: [Manifest.ForceRule] = []
        let chosen = datasets?.map(\.0) ?? [.klines]
        if let forceNode { force = buildForce(forceNode, intervals: intervals ?? [], datasets: chosen) }
        guard let version, let source, let database, let intervals else { return nil }
        return Manifest(
            version: version, source: source, database: database, symbols: symbols, intervals: intervals,
            datasets: chosen, funding: funding?.rule, force: force, prune: prune, pacing: pacing, retry: retry,
            report: report, path: "",
            directory: directory, digest: "")
    }

    /// The longest window a manifest may ask for: 100 years (36500d), as `lookback` and as `bars` of any interval.
    static let longestWindowMillis: Int64 = 36_500 * 86_400_000

    /// The most `bars` an interval's window may hold: 100 years of its bars, and never more than 100 million.
    static func maxBars(_ interval: Interval) -> Int {
        Int(min(100_000_000, longestWindowMillis / interval.approximateMillis))
    }

    /// What is wrong with the port written in a URL (`scheme://user:pass@host:PORT/…`), or nil when it is fine or
    /// none is written. Foundation accepts any port, and ignores one too long for 64 bits.
    static func portProblem(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = authority[..<end]
        }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let port: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let rest = authority[authority.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            port = rest.dropFirst()
        } else {
            guard let colon = authority.lastIndex(of: ":") else { return nil }
            port = authority[authority.index(after: colon)...]
        }
        if port.isEmpty { return "has ':' but no port after it; write a port from 1 to 65535, or drop the ':'" }
        if port.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let number = Int(port), (1...65_535).contains(number) {
            return nil
        }
        return "has port \(port); a port must be a number from 1 to 65535"
    }

    /// An absolute path for a manifest-relative one.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        if path.hasPrefix("~/") { return (NSString(string: path).expandingTildeInPath as NSString).standardizingPath }
        return ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// Expands `${NAME}` and `${NAME:-default}`; reports unset variables at `node`.
    mutating func expand(_ text: String, node: Node, _ what: String) -> String? {
        var result = ""
        var rest = Substring(text)
        var ok = true
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                reader.error(node, "\(what) has an unclosed '${'; write ${NAME}")
                return nil
            }
            let body = String(rest[open.upperBound..<close])
            var name = body
            var fallback: String?
            if let sep = body.range(of: ":-") {
                name = String(body[..<sep.lowerBound])
                fallback = String(body[sep.upperBound...])
            }
            let validName =
                !name.isEmpty
                && name.utf8.allSatisfy {
                    ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95
                }
            if !validName {
                reader.error(
                    node, "\(what) has an invalid variable reference '${\(body)}'; write ${NAME} or ${NAME:-default}")
                ok = false
            } else if let value = environment[name] {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                reader.error(
                    node,
                    "environment variable \(name) is not set (used in \(what)); export it, or write ${\(name):-default}"
                )
                ok = false
            }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return ok ? result : nil
    }
}
