import Yams

extension ManifestBuilder {
    /// Parses the `intervals` mapping; market-specific checks happen later in `checkMarket`.
    mutating func buildIntervals(_ node: Node, market: Market?) -> [Manifest.IntervalRule]? {
        guard let entries = reader.mapping(node, "intervals", allowed: []) else { return nil }
        if entries.isEmpty {
            reader.error(node, "intervals is empty; declare at least one, such as 1d: { bars: 1000 }")
            return nil
        }
        var rules: [Manifest.IntervalRule] = []
        for (name, keyNode, value) in entries {
            guard let interval = Interval(name: name) else {
                reader.error(keyNode, Self.unknownIntervalMessage(name))
                continue
            }
            if let rule = buildWindow(value, interval: interval) { rules.append(rule) }
        }
        return rules
    }

    static func unknownIntervalMessage(_ name: String) -> String {
        var message = "unknown interval '\(name)'"
        let names = Interval.all.map(\.name)
        if name == "1mo" || name == "1mon" || name == "1month" {
            message += "; did you mean '1M'? (Binance writes one month as 1M, one minute as 1m)"
        } else if let exact = names.first(where: { $0.lowercased() == name.lowercased() }) {
            message += "; did you mean '\(exact)'? (interval names are case-sensitive)"
        } else if let close = Suggestion.closest(to: name, in: names) {
            message += "; did you mean '\(close)'?"
        } else {
            message += "; expected one of: \(names.joined(separator: " "))"
        }
        return message
    }

    mutating func buildWindow(_ node: Node, interval: Interval) -> Manifest.IntervalRule? {
        let limits = WindowLimits(
            what: "interval \(interval.name)", maxBars: Self.maxBars(interval),
            barsMeaning: "36500d, the longest window, of \(interval.name) bars", shortest: interval.approximateMillis,
            shortestMeaning: "one \(interval.name) bar")
        return buildWindow(node, limits).map {
            Manifest.IntervalRule(interval: interval, window: $0.window, until: $0.until)
        }
    }

    /// `funding: { since | lookback | bars, until? }`; its `bars` count funding events of the longest interval (8h).
    mutating func buildFunding(_ node: Node) -> Manifest.FundingRule? {
        let eight = Manifest.FundingRule.longestIntervalMillis
        let limits = WindowLimits(
            what: "funding", maxBars: Int(Self.longestWindowMillis / eight),
            barsMeaning: "36500d, the longest window, of 8h funding intervals", shortest: eight,
            shortestMeaning: "one 8h funding interval")
        return buildWindow(node, limits).map { Manifest.FundingRule(window: $0.window, until: $0.until) }
    }

    /// What a window may ask for, and how to say it.
    struct WindowLimits {
        /// `interval 1h` or `funding`.
        var what: String
        var maxBars: Int
        /// What the largest `bars` amounts to, for its error.
        var barsMeaning: String
        /// The shortest `lookback` that selects anything (ms), and its name.
        var shortest: Int64
        var shortestMeaning: String
    }

    /// A window mapping: exactly one of `bars`, `since` or `lookback`, and an optional `until`.
    mutating func buildWindow(_ node: Node, _ limits: WindowLimits) -> (window: Manifest.Window, until: Int64?)? {
        let what = limits.what
        let before = reader.diagnostics.count
        guard let entries = reader.mapping(node, what, allowed: ["bars", "since", "lookback", "until"]) else {
            return nil
        }
        let windowKeys = entries.filter { ["bars", "since", "lookback"].contains($0.key) }
        if windowKeys.isEmpty {
            // An unknown key (a misspelt window, most likely) was already reported.
            if reader.diagnostics.count > before { return nil }
            reader.error(
                node, "\(what) needs a window: one of bars (latest N), since (a date) or lookback (a duration)")
            return nil
        }
        if windowKeys.count > 1 {
            reader.error(
                windowKeys[1].keyNode,
                "\(what) sets both '\(windowKeys[0].key)' and '\(windowKeys[1].key)'; use exactly one of bars, since or lookback"
            )
            return nil
        }
        let (key, _, value) = windowKeys[0]
        var window: Manifest.Window?
        switch key {
        case "bars":
            if let count = reader.int(value, "\(what): bars", in: 1...100_000_000) {
                if count > limits.maxBars {
                    reader.error(
                        value, "\(what): bars must be at most \(limits.maxBars) (\(limits.barsMeaning)), found \(count)"
                    )
                } else {
                    window = .bars(count)
                }
            }
        case "since": window = reader.date(value, "\(what): since").map { .since($0) }
        default:
            if let millis = reader.duration(value, "\(what): lookback", min: 1, max: Self.longestWindowMillis) {
                if millis < limits.shortest {
                    reader.error(
                        value,
                        "\(what): lookback \(DurationText.format(millis)) is shorter than \(limits.shortestMeaning), so it selects nothing"
                    )
                } else {
                    window = .lookback(millis)
                }
            }
        }
        var until: Int64?
        if let untilEntry = entries.first(where: { $0.key == "until" }) {
            until = reader.date(untilEntry.value, "\(what): until")
            if let until, case .since(let since)? = window, until <= since {
                reader.error(
                    untilEntry.value,
                    "\(what): until (\(Timestamp.short(until))) must be after since (\(Timestamp.short(since)))")
                return nil
            }
        }
        guard let window else { return nil }
        return (window, until)
    }

    /// Reports intervals the market does not offer (`1s` is spot only).
    mutating func checkMarket(_ market: Market, intervals: [Manifest.IntervalRule], node: Node) {
        guard let mapping = node.mapping else { return }
        for (keyNode, _) in mapping {
            guard let name = keyNode.string, let interval = Interval(name: name) else { continue }
            if !market.intervals.contains(interval) {
                reader.error(keyNode, "interval '\(name)' is not offered on \(market.rawValue); it exists on spot only")
            }
        }
        _ = intervals
    }

    mutating func buildForce(_ node: Node, intervals: [Manifest.IntervalRule], datasets: [Dataset])
        -> [Manifest.ForceRule]
    {
        guard let items = reader.list(node, "force") else { return [] }
        var rules: [Manifest.ForceRule] = []
        let declared = intervals.map(\.interval)
        for (index, item) in items.enumerated() {
            let what = "force rule \(index + 1)"
            guard let entries = reader.mapping(item, what, allowed: ["symbols", "intervals", "datasets", "range"])
            else {
                continue
            }
            reader.require(["symbols", "range"], in: entries, of: item, what)
            var symbols: [String]?
            var ruleIntervals: [Interval]?
            var ruleDatasets: [Dataset]?
            var range: Manifest.ForceRange?
            for (key, _, value) in entries {
                switch key {
                case "symbols":
                    symbols = reader.globs(value, "\(what): symbols")
                    if value.sequence?.isEmpty == true {
                        reader.error(
                            value,
                            "\(what): symbols is empty, so the rule can never match; list at least one symbol pattern, such as [\"BTCUSDT\"]"
                        )
                        symbols = nil
                    }
                case "intervals":
                    guard let names = reader.list(value, "\(what): intervals") else { continue }
                    if names.isEmpty {
                        reader.error(
                            value,
                            "\(what): intervals is empty, so the rule can never match; list at least one interval, or leave intervals out to cover every interval"
                        )
                        continue
                    }
                    var list: [Interval] = []
                    for nameNode in names {
                        guard let name = reader.string(nameNode, "each interval of \(what)") else { continue }
                        guard let interval = Interval(name: name) else {
                            reader.error(nameNode, Self.unknownIntervalMessage(name))
                            continue
                        }
                        if !declared.isEmpty && !declared.contains(interval) {
                            reader.error(
                                nameNode,
                                "\(what) names interval '\(name)', which intervals does not declare; declare it or remove it here"
                            )
                            continue
                        }
                        list.append(interval)
                    }
                    ruleIntervals = list
                case "datasets":
                    guard let named = buildDatasets(value, "\(what): datasets") else { continue }
                    for (dataset, nameNode) in named where !datasets.contains(dataset) {
                        reader.error(
                            nameNode,
                            "\(what) names dataset '\(dataset.rawValue)', which datasets does not list; list it there or remove it here"
                        )
                    }
                    ruleDatasets = named.map(\.0)
                case "range": range = buildForceRange(value, what)
                default: break
                }
            }
            if let symbols, let range {
                rules.append(
                    Manifest.ForceRule(symbols: symbols, intervals: ruleIntervals, range: range, datasets: ruleDatasets)
                )
            }
        }
        return rules
    }

    mutating func buildForceRange(_ node: Node, _ what: String) -> Manifest.ForceRange? {
        if let scalar = node.scalar {
            if scalar.string == "all" { return .all }
            reader.error(
                node, "\(what): range must be 'all', { last: N } or { from: DATE, to: DATE }, found '\(scalar.string)'")
            return nil
        }
        guard let entries = reader.mapping(node, "\(what): range", allowed: ["last", "from", "to"]) else { return nil }
        if let last = entries.first(where: { $0.key == "last" }) {
            if entries.count > 1 {
                reader.error(node, "\(what): range takes either { last: N } or { from: DATE, to: DATE }, not both")
                return nil
            }
            return reader.int(last.value, "\(what): range.last", in: 1...100_000_000).map { .last($0) }
        }
        reader.require(["from", "to"], in: entries, of: node, "\(what): range")
        guard let fromNode = entries.first(where: { $0.key == "from" }),
            let toNode = entries.first(where: { $0.key == "to" }),
            let from = reader.date(fromNode.value, "\(what): range.from"),
            let to = reader.date(toNode.value, "\(what): range.to")
        else { return nil }
        guard to > from else {
            reader.error(
                toNode.value,
                "\(what): range.to (\(Timestamp.short(to))) must be after range.from (\(Timestamp.short(from)))")
            return nil
        }
        return .between(from: from, to: to)
    }

    /// `datasets: [klines, mark_price, …]`: each name once, known, with its node for later checks.
    mutating func buildDatasets(_ node: Node, _ what: String = "datasets") -> [(Dataset, Node)]? {
        guard let items = reader.list(node, what) else { return nil }
        if items.isEmpty {
            reader.error(
                node, "\(what) is empty; list at least one of \(Self.datasetNames), or leave it out for klines")
            return nil
        }
        var result: [(Dataset, Node)] = []
        for item in items {
            guard let name = reader.string(item, "each entry of \(what)") else { continue }
            guard let dataset = Dataset(rawValue: name) else {
                let hint = Suggestion.closest(to: name, in: Dataset.allCases.map(\.rawValue)).map {
                    "; did you mean '\($0)'?"
                }
                reader.error(item, "unknown dataset '\(name)'\(hint ?? "; expected one of \(Self.datasetNames)")")
                continue
            }
            if result.contains(where: { $0.0 == dataset }) {
                reader.error(item, "dataset '\(name)' is listed twice in \(what)")
                continue
            }
            result.append((dataset, item))
        }
        return result
    }

    static let datasetNames = Dataset.allCases.map(\.rawValue).joined(separator: ", ")
}
