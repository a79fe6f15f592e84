import Foundation

extension Plan {
    /// Options for the human rendering.
    public struct RenderOptions: Sendable {
        /// ANSI colour (only on a terminal).
        public var color: Bool
        /// Lines per action group before the rest is summarised; nil shows every line.
        public var maxLinesPerGroup: Int?

        public init(color: Bool = false, maxLinesPerGroup: Int? = 20) {
            self.color = color
            self.maxLinesPerGroup = maxLinesPerGroup
        }
    }

    static let glyphs: [ActionKind: String] = [
        .create: "+", .extend: ">", .backfill: "<", .repair: "~", .replace: "±", .prune: "-", .retire: "x",
    ]
    static let colors: [ActionKind: String] = [
        .create: "32", .extend: "36", .backfill: "36", .repair: "33", .replace: "35", .prune: "31", .retire: "90",
    ]

    /// The plan as a person reads it: a header, one group per action, and the summary line.
    public func render(_ options: RenderOptions = RenderOptions()) -> String {
        func paint(_ text: String, _ code: String) -> String {
            options.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
        var out = "klinesync plan: \(exchange) \(market.rawValue) → \(database)\n"
        out += "Closed bars up to server time \(Timestamp.format(serverTime)); budget \(weightBudget) weight/min, "
        out += "concurrency \(concurrency)"
        if paging == .fewestRequests {
            out += "; the whole plan fits one minute of budget, so pages are sized for the fewest requests"
        }
        out += ".\n"
        let symbolWidth = series.map(\.symbol.count).max() ?? 8
        let intervalWidth = max(
            3, series.map { $0.interval.name.count + ($0.dataset.map { $0.rawValue.count + 1 } ?? 0) }.max() ?? 3)
        for kind in ActionKind.allCases where kind != .noop {
            let members = series.filter { plan in plan.actions.contains { $0.kind == kind } }
            guard !members.isEmpty else { continue }
            let glyph = Plan.glyphs[kind] ?? "?"
            let title = "\(glyph) \(kind.rawValue) (\(members.count) series)"
            out += "\n" + paint(title, (Plan.colors[kind] ?? "0") + ";1") + "\n"
            let shown = options.maxLinesPerGroup.map { Array(members.prefix($0)) } ?? members
            for plan in shown {
                let action = plan.actions.first { $0.kind == kind }!
                let name = plan.symbol.padding(toLength: symbolWidth, withPad: " ", startingAt: 0)
                let interval = (plan.interval.name + (plan.dataset.map { " \($0.rawValue)" } ?? ""))
                    .padding(toLength: intervalWidth, withPad: " ", startingAt: 0)
                out +=
                    "    " + paint(glyph, Plan.colors[kind] ?? "0")
                    + " \(name) \(interval)  \(describe(action, plan))\n"
            }
            if shown.count < members.count {
                out += "    … and \(members.count - shown.count) more (--full lists every series, --json gives all)\n"
            }
        }
        out += renderFunding(options, paint: paint)
        let upToDate = totals.count(.noop)
        let fundingUpToDate = totals.funding.map {
            " and the funding of \($0.count(.noop)) symbol\($0.count(.noop) == 1 ? "" : "s")"
        }
        if !hasChanges {
            out +=
                "\nNo changes. The database matches the manifest (\(upToDate) series\(fundingUpToDate ?? "") up to date).\n"
        } else if upToDate > 0 {
            out += "\n\(upToDate) series already up to date.\n"
        }
        out += summaryLine + "\n"
        return out
    }

    func describe(_ action: PlannedAction, _ plan: SeriesPlan) -> String {
        let count = "\(action.bars) bar\(action.bars == 1 ? "" : "s")"
        let ranges =
            action.ranges.prefix(3).map {
                "\(Timestamp.short($0.start)) … \(Timestamp.short(plan.interval.previous($0.end)))"
            }
            .joined(separator: ", ") + (action.ranges.count > 3 ? ", …(\(action.ranges.count) ranges)" : "")
        switch action.kind {
        case .retire:
            let stored = plan.stored.map {
                "\($0.bars) bars kept (\(Timestamp.short($0.first)) … \(Timestamp.short($0.last)))"
            }
            return "no longer in the manifest; \(stored ?? "data kept")"
        case .prune:
            return "delete \(count) outside the window: \(ranges)"
        case .repair:
            return "\(count) in \(action.ranges.count) gap\(action.ranges.count == 1 ? "" : "s"): \(ranges)  "
                + cost(action)
        default:
            let sign = action.kind == .replace ? "" : "+"
            return "\(sign)\(count)  \(ranges)  " + cost(action)
        }
    }

    func cost(_ action: PlannedAction) -> String {
        let rest = "\(action.requests) request\(action.requests == 1 ? "" : "s"), weight \(action.weight)"
        guard action.archiveFiles > 0 else { return "(\(rest))" }
        return "(\(action.archiveFiles) archive file\(action.archiveFiles == 1 ? "" : "s"), \(rest))"
    }

    /// `Plan: 120 to create, 380 to extend, 3 to repair, 2 to replace, 0 to prune — 1290 requests, weight 6450, about 5m23s.`
    public var summaryLine: String {
        var parts = ["\(totals.count(.create)) to create", "\(totals.count(.extend)) to extend"]
        if totals.count(.backfill) > 0 { parts.append("\(totals.count(.backfill)) to backfill") }
        parts += [
            "\(totals.count(.repair)) to repair", "\(totals.count(.replace)) to replace",
            "\(totals.count(.prune)) to prune",
        ]
        if totals.count(.retire) > 0 { parts.append("\(totals.count(.retire)) to retire") }
        let files = totals.archiveFiles.map { $0 > 0 ? ", \($0) archive file\($0 == 1 ? "" : "s")" : "" } ?? ""
        var funding = ""
        if let totals = totals.funding {
            var kinds = [ActionKind.create, .extend, .backfill].filter { totals.count($0) > 0 }.map {
                "\(totals.count($0)) to \($0.rawValue)"
            }
            if totals.count(.retire) > 0 { kinds.append("\(totals.count(.retire)) to retire") }
            parts.append("funding: " + (kinds.isEmpty ? "up to date" : kinds.joined(separator: ", ")))
            funding = ", \(totals.requests) funding request\(totals.requests == 1 ? "" : "s")"
        }
        return "Plan: \(parts.joined(separator: ", ")) — \(totals.requests) requests, weight \(totals.weight)\(files)"
            + "\(funding), about " + Plan.formatDuration(totals.estimatedSeconds) + "."
    }

    /// `5m23s`, `12s`, `1h02m`.
    public static func formatDuration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", total / 60 % 60))m"
    }

    /// The funding group: one line per symbol whose funding history changes or retires.
    func renderFunding(_ options: RenderOptions, paint: (String, String) -> String) -> String {
        let members = (funding ?? []).filter { $0.hasChanges || $0.actions.contains { $0.kind == .retire } }
        guard !members.isEmpty else { return "" }
        let symbolWidth = members.map(\.symbol.count).max() ?? 8
        var out = "\n" + paint("funding rates (\(members.count) symbol\(members.count == 1 ? "" : "s"))", "34;1") + "\n"
        let shown = options.maxLinesPerGroup.map { Array(members.prefix($0)) } ?? members
        for plan in shown {
            let name = plan.symbol.padding(toLength: symbolWidth, withPad: " ", startingAt: 0)
            for action in plan.actions where action.kind != .noop {
                let glyph = Plan.glyphs[action.kind] ?? "?"
                let kind = action.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                var line = "    " + paint(glyph, Plan.colors[action.kind] ?? "0") + " \(name) \(kind) "
                if action.kind == .retire {
                    let kept = plan.stored.map { "\($0.events) event\($0.events == 1 ? "" : "s") kept" } ?? "data kept"
                    line += "no longer wanted; \(kept)"
                } else {
                    let ranges = action.ranges.map { "\(Timestamp.short($0.start)) … \(Timestamp.short($0.end))" }
                    line +=
                        "\(ranges.joined(separator: ", "))  about \(action.bars) event\(action.bars == 1 ? "" : "s") "
                    line += "(\(action.requests) request\(action.requests == 1 ? "" : "s"))"
                }
                out += line + "\n"
            }
        }
        if shown.count < members.count {
            out += "    … and \(members.count - shown.count) more (--full lists every symbol, --json gives all)\n"
        }
        return out
    }
}
