import Foundation
import Yams

extension ManifestBuilder {
    mutating func buildSource(_ node: Node) -> Manifest.Source? {
        guard
            let entries = reader.mapping(
                node, "source", allowed: ["exchange", "market", "base_url", "simulator", "archive", "archive_url"])
        else { return nil }
        reader.require(["exchange", "market"], in: entries, of: node, "source")
        var exchange: String?
        var market: Market?
        var baseURL: String?
        var embedded = false
        var archive = Manifest.ArchiveMode.auto
        var archiveURL: String?
        var simulatorNode: (Node, Node)?
        for (key, keyNode, value) in entries {
            switch key {
            case "exchange":
                guard let name = reader.string(value, "source.exchange") else { continue }
                if name == "binance" {
                    exchange = name
                } else {
                    reader.error(value, "unsupported exchange '\(name)'; klinesync supports: binance")
                }
            case "market":
                guard let name = reader.string(value, "source.market") else { continue }
                if let m = Market(rawValue: name) {
                    market = m
                } else {
                    let hint = Suggestion.closest(to: name, in: Market.allCases.map(\.rawValue)).map {
                        "; did you mean '\($0)'?"
                    }
                    reader.error(value, "unknown market '\(name)'\(hint ?? "; expected spot, usdm or coinm")")
                }
            case "base_url":
                guard let raw = reader.string(value, "source.base_url"),
                    let text = expand(raw, node: value, "source.base_url")
                else { continue }
                if text == "embedded" {
                    embedded = true
                } else if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                    if let problem = ManifestBuilder.portProblem(in: text) {
                        reader.error(value, "source.base_url '\(text)' \(problem)")
                    } else {
                        baseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
                    }
                } else {
                    reader.error(
                        value,
                        "source.base_url must be an http(s) URL such as https://fapi.binance.com, or 'embedded', found '\(text)'"
                    )
                }
            case "simulator":
                simulatorNode = (keyNode, value)
            case "archive":
                guard let text = reader.string(value, "source.archive") else { continue }
                if let mode = Manifest.ArchiveMode(rawValue: text) {
                    archive = mode
                } else {
                    reader.error(value, "source.archive must be 'auto' or 'off', found '\(text)'")
                }
            case "archive_url":
                guard let raw = reader.string(value, "source.archive_url"),
                    let text = expand(raw, node: value, "source.archive_url")
                else { continue }
                if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil {
                    if let problem = ManifestBuilder.portProblem(in: text) {
                        reader.error(value, "source.archive_url '\(text)' \(problem)")
                    } else {
                        archiveURL = text.hasSuffix("/") ? String(text.dropLast()) : text
                    }
                } else {
                    reader.error(
                        value,
                        "source.archive_url must be an http(s) URL such as https://data.binance.vision, found '\(text)'"
                    )
                }
            default: break
            }
        }
        var simulator: Manifest.SimulatorSettings?
        if let (keyNode, value) = simulatorNode {
            if embedded || !entries.contains(where: { $0.key == "base_url" }) {
                simulator = buildSimulator(value)
                if !embedded { reader.error(keyNode, "source.simulator needs base_url: embedded") }
            } else {
                reader.error(keyNode, "source.simulator applies only with base_url: embedded")
            }
        } else if embedded {
            simulator = Manifest.SimulatorSettings()
        }
        guard let exchange, let market else { return nil }
        return Manifest.Source(
            exchange: exchange, market: market, baseURL: baseURL, simulator: simulator, archive: archive,
            archiveURL: archiveURL)
    }

    mutating func buildSimulator(_ node: Node) -> Manifest.SimulatorSettings? {
        let keys = ["seed", "symbols", "latency", "fail_rate", "weight_limit", "now", "universe"]
        guard let entries = reader.mapping(node, "source.simulator", allowed: keys) else { return nil }
        var settings = Manifest.SimulatorSettings()
        for (key, _, value) in entries {
            switch key {
            case "seed": if let v = reader.int(value, "simulator.seed", in: 0...Int.max) { settings.seed = UInt64(v) }
            case "symbols": settings.symbols = reader.int(value, "simulator.symbols", in: 1...5000) ?? settings.symbols
            case "latency":
                if let v = reader.duration(value, "simulator.latency", min: 0, max: 60_000) {
                    settings.latencyMillis = Int(v)
                }
            case "fail_rate": settings.failRate = reader.number(value, "simulator.fail_rate", in: 0...1) ?? 0
            case "weight_limit": settings.weightLimit = reader.int(value, "simulator.weight_limit", in: 1...10_000_000)
            case "now": settings.now = reader.date(value, "simulator.now")
            case "universe":
                guard let text = reader.string(value, "simulator.universe") else { continue }
                if let universe = Manifest.SimulatorSettings.Universe(rawValue: text) {
                    settings.universe = universe
                } else {
                    reader.error(value, "simulator.universe must be 'varied' or 'established', found '\(text)'")
                }
            default: break
            }
        }
        return settings
    }

    mutating func buildDatabase(_ node: Node) -> DatabaseLocation? {
        guard let raw = reader.string(node, "database"), let text = expand(raw, node: node, "database") else {
            return nil
        }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("///") {
                path = String(path.dropFirst(2))
            } else if path.hasPrefix("//") {
                reader.error(
                    node, "write an SQLite database as sqlite:relative/path.sqlite or sqlite:///absolute/path.sqlite")
                return nil
            }
            guard !path.isEmpty, path != ":memory:" else {
                reader.error(node, "database needs a file path after 'sqlite:', such as sqlite:data/klines.sqlite")
                return nil
            }
            return .sqlite(path: resolve(path))
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let url = URL(string: text), let host = url.host, !host.isEmpty else {
                reader.error(
                    node,
                    "database URL \(DatabaseLocation.redact(text)) is not a valid URL; write postgres://user:password@host:5432/dbname"
                )
                return nil
            }
            if let problem = ManifestBuilder.portProblem(in: text) {
                reader.error(node, "database URL \(DatabaseLocation.redact(text)) \(problem)")
                return nil
            }
            return .postgres(url: text)
        }
        reader.error(
            node,
            "database must be sqlite:PATH (relative to the manifest) or postgres://user:password@host:5432/dbname, found '\(DatabaseLocation.redact(text))'"
        )
        return nil
    }

    mutating func buildSymbols(_ node: Node, market: Market?) -> Manifest.SymbolFilter? {
        let keys = ["status", "include", "exclude", "contract_types", "quote_assets"]
        guard let entries = reader.mapping(node, "symbols", allowed: keys) else { return nil }
        var filter = Manifest.SymbolFilter()
        var excludeNode: Node?
        for (key, _, value) in entries {
            switch key {
            case "status":
                guard let text = reader.string(value, "symbols.status") else { continue }
                if let status = Manifest.SymbolFilter.StatusFilter(rawValue: text) {
                    filter.status = status
                } else {
                    reader.error(value, "symbols.status must be 'trading' or 'all', found '\(text)'")
                }
            case "include":
                if let globs = reader.globs(value, "symbols.include") {
                    if globs.isEmpty && value.sequence?.isEmpty == true {
                        reader.error(
                            value, "symbols.include is empty, so no symbol would be synced; remove it to include all")
                    }
                    filter.include = globs
                }
            case "exclude":
                excludeNode = value
                filter.exclude = reader.globs(value, "symbols.exclude") ?? []
            case "contract_types":
                guard let items = reader.list(value, "symbols.contract_types") else { continue }
                if items.isEmpty {
                    reader.error(
                        value,
                        "symbols.contract_types is empty, so no symbol would be synced; list at least one, such as [PERPETUAL], or remove it to allow any"
                    )
                }
                var types: [String] = []
                for item in items {
                    guard let text = reader.string(item, "each contract type") else { continue }
                    if Manifest.contractTypes.contains(text) {
                        types.append(text)
                    } else {
                        let hint = Suggestion.closest(to: text, in: Manifest.contractTypes).map {
                            "; did you mean '\($0)'?"
                        }
                        reader.error(
                            item,
                            "unknown contract type '\(text)'\(hint ?? "; expected one of: \(Manifest.contractTypes.joined(separator: ", "))")"
                        )
                    }
                }
                filter.contractTypes = types
            case "quote_assets":
                guard let items = reader.list(value, "symbols.quote_assets") else { continue }
                if items.isEmpty {
                    reader.error(
                        value,
                        "symbols.quote_assets is empty, so no symbol would be synced; list at least one, such as [USDT], or remove it to allow any"
                    )
                }
                var assets: [String] = []
                for item in items {
                    guard let text = reader.string(item, "each quote asset") else { continue }
                    if !text.isEmpty, text.count <= 20,
                        text.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) })
                    {
                        assets.append(text)
                    } else {
                        reader.error(item, "quote asset '\(text)' must be upper-case letters and digits, such as USDT")
                    }
                }
                filter.quoteAssets = assets
            default: break
            }
        }
        // An exclude list that takes away everything the include list selects leaves no symbol at all.
        if let excludeNode, !filter.include.isEmpty {
            let covering = filter.include.map { pattern in filter.exclude.first { Glob.covers($0, pattern) } }
            if let first = covering.first ?? nil, covering.allSatisfy({ $0 != nil }) {
                reader.error(
                    excludeNode,
                    "symbols.exclude removes every symbol symbols.include selects ('\(first)' covers '\(filter.include[0])'), so no symbol would be synced"
                )
            }
        }
        return filter
    }

    mutating func buildPacing(_ node: Node) -> Manifest.Pacing? {
        guard
            let entries = reader.mapping(
                node, "pacing", allowed: ["weight_per_minute", "concurrency", "request_delay", "archive_concurrency"])
        else { return nil }
        var pacing = Manifest.Pacing()
        for (key, _, value) in entries {
            switch key {
            case "weight_per_minute":
                pacing.weightPerMinute = reader.int(value, "pacing.weight_per_minute", in: 1...1_000_000)
            case "concurrency":
                pacing.concurrency = reader.int(value, "pacing.concurrency", in: 1...256) ?? pacing.concurrency
            case "request_delay":
                pacing.requestDelayMillis = reader.duration(value, "pacing.request_delay", min: 0, max: 60_000) ?? 0
            case "archive_concurrency":
                pacing.archiveConcurrency =
                    reader.int(value, "pacing.archive_concurrency", in: 1...256) ?? pacing.archiveConcurrency
            default: break
            }
        }
        return pacing
    }

    mutating func buildRetry(_ node: Node) -> Manifest.RetrySettings? {
        let keys = ["max_attempts", "initial_backoff", "max_backoff", "on_ban"]
        guard let entries = reader.mapping(node, "retry", allowed: keys) else { return nil }
        var retry = Manifest.RetrySettings()
        var maxNode: Node?
        for (key, _, value) in entries {
            switch key {
            case "max_attempts":
                retry.maxAttempts = reader.int(value, "retry.max_attempts", in: 1...100) ?? retry.maxAttempts
            case "initial_backoff":
                retry.initialBackoffMillis =
                    reader.duration(value, "retry.initial_backoff", min: 1, max: 600_000) ?? retry.initialBackoffMillis
            case "max_backoff":
                maxNode = value
                retry.maxBackoffMillis =
                    reader.duration(value, "retry.max_backoff", min: 1, max: 3_600_000) ?? retry.maxBackoffMillis
            case "on_ban":
                guard let text = reader.string(value, "retry.on_ban") else { continue }
                if let policy = BanPolicy(rawValue: text) {
                    retry.onBan = policy
                } else {
                    reader.error(value, "retry.on_ban must be 'stop' or 'wait', found '\(text)'")
                }
            default: break
            }
        }
        if retry.maxBackoffMillis < retry.initialBackoffMillis {
            reader.error(
                maxNode ?? node,
                "retry.max_backoff (\(DurationText.format(retry.maxBackoffMillis))) must not be shorter than retry.initial_backoff (\(DurationText.format(retry.initialBackoffMillis)))"
            )
        }
        return retry
    }

    mutating func buildReport(_ node: Node) -> Manifest.ReportSettings? {
        guard let entries = reader.mapping(node, "report", allowed: ["path"]) else { return nil }
        for (_, _, value) in entries {
            guard let text = reader.string(value, "report.path") else { return nil }
            guard !text.isEmpty, !text.hasSuffix("/") else {
                reader.error(value, "report.path must name a file, such as reports/{run_id}.json")
                return nil
            }
            var rest = text.replacingOccurrences(of: "{run_id}", with: "")
            if let open = rest.firstIndex(of: "{") {
                let close = rest[open...].firstIndex(of: "}") ?? rest.endIndex
                let token = rest[open..<min(rest.index(after: close), rest.endIndex)]
                reader.error(
                    value, "report.path has an unknown placeholder '\(token)'; the only placeholder is {run_id}")
                rest = ""
                return nil
            }
            return Manifest.ReportSettings(pathTemplate: resolve(text))
        }
        return nil
    }
}
