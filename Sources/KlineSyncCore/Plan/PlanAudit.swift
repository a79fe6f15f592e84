/// Checks a saved plan against what the manifest allows before `apply PLAN` runs it, so that a hand-edited plan
/// cannot store bars outside the manifest's universe and windows, store bars that have not closed, or delete bars
/// that neither `prune` nor a force allows.
///
/// The plan is re-made from the manifest, the live instrument list and the database's state now, at the plan's own
/// server time (which must not be later than the exchange's clock now), with `--force` re-derived from the plan's
/// replace actions; every series the saved plan changes must then have exactly the actions and ranges of that
/// re-made plan. The plan's identity (lineage, fingerprints) is checked by the caller first.
public enum PlanAudit {
    /// What `check` needs besides the saved plan.
    public struct Context: Sendable {
        public var manifest: Manifest
        public var exchangeInfo: ExchangeInfo
        /// The exchange's clock now, as this run read it (never a value from the plan file).
        public var serverTime: Int64
        /// The database's state now.
        public var snapshot: StoreSnapshot

        /// The live facts a saved plan is checked against.
        public init(manifest: Manifest, exchangeInfo: ExchangeInfo, serverTime: Int64, snapshot: StoreSnapshot) {
            self.manifest = manifest
            self.exchangeInfo = exchangeInfo
            self.serverTime = serverTime
            self.snapshot = snapshot
        }
    }

    /// Throws `PlanAuditError` naming the first series (and range) the manifest does not allow.
    public static func check(_ saved: Plan, _ context: Context) throws {
        let manifest = context.manifest
        let market = manifest.source.market
        guard saved.formatVersion == "1" else {
            throw PlanAuditError.document("format_version is \(saved.formatVersion), only 1 is supported")
        }
        guard saved.market == market, saved.exchange == Market.exchangeName else {
            throw PlanAuditError.document(
                "it is for \(saved.exchange) \(saved.market.rawValue), the manifest for \(Market.exchangeName) "
                    + "\(market.rawValue)")
        }
        guard saved.manifestDigest == manifest.digest else {
            throw PlanAuditError.document("manifest_digest does not match \(manifest.path)")
        }
        guard saved.serverTime <= context.serverTime else {
            throw PlanAuditError.document(
                "its server_time \(Timestamp.format(saved.serverTime)) is later than the exchange's clock "
                    + "\(Timestamp.format(context.serverTime)), so it could store bars that have not closed")
        }
        if saved.lineageId == nil, context.snapshot.summaries.values.contains(where: { $0.barCount > 0 }) {
            throw PlanAuditError.document(
                "it has no lineage_id (made for a database that did not exist), but the database holds bars")
        }
        var seen: Set<SeriesKey> = []
        for series in saved.series {
            guard seen.insert(series.key(market: market)).inserted else {
                throw PlanAuditError.series("\(series.symbol) \(series.interval.name)", "is planned twice")
            }
        }
        let changed = saved.series.filter(\.hasChanges)
        let universe = Set(Planner.universe(manifest, context.exchangeInfo).map(\.symbol))
        let intervals = Set(manifest.intervals.map(\.interval))
        for series in changed {
            let name = "\(series.symbol) \(series.interval.name)"
            guard universe.contains(series.symbol) else {
                throw PlanAuditError.series(
                    name, "is not selected by the manifest's symbols (or the exchange no longer lists it)")
            }
            guard intervals.contains(series.interval) else {
                throw PlanAuditError.series(name, "uses an interval the manifest does not list")
            }
            for action in series.actions where action.kind == .prune && !manifest.prune {
                throw PlanAuditError.series(name, "deletes bars (prune) but the manifest does not set `prune: true`")
            }
        }
        // `plan --force SYM:INT` replaces the whole window of a series; the saved plan does not record the flag, so
        // it is re-derived from the replace actions the manifest's own force rules do not explain.
        func remake(_ force: [ForceSelector]) -> Plan {
            Planner.plan(
                Planner.Input(
                    manifest: manifest, exchangeInfo: context.exchangeInfo, serverTime: saved.serverTime,
                    snapshot: context.snapshot, database: saved.database, force: force))
        }
        var remade = remake([])
        let replacing = Set(
            remade.series.filter { $0.actions.contains { $0.kind == .replace } }.map { $0.key(market: market) })
        let forced = changed.filter {
            $0.actions.contains { $0.kind == .replace } && !replacing.contains($0.key(market: market))
        }.map { ForceSelector(symbol: $0.symbol, interval: $0.interval) }
        if !forced.isEmpty { remade = remake(forced) }
        try checkFunding(saved, remade: remade)
        let expected = Dictionary(
            remade.series.map { ($0.key(market: market), $0) }, uniquingKeysWith: { first, _ in first })
        for series in changed {
            let name = "\(series.symbol) \(series.interval.name)"
            guard let allowed = expected[series.key(market: market)] else {
                throw PlanAuditError.series(name, "is not in the manifest's universe")
            }
            // A window the manifest leaves empty (a fixed `until` before the listing, say) allows no fetch.
            let window = allowed.desired ?? TimeRange(start: 0, end: 0)
            for action in series.actions where action.kind.fetches {
                for range in action.ranges where range.isEmpty || range.start < window.start || range.end > window.end {
                    throw PlanAuditError.series(
                        name,
                        "\(action.kind.rawValue) fetches \(range), outside the manifest's window "
                            + (allowed.desired.map(\.description) ?? "(empty)"))
                }
            }
            for action in series.actions where action.kind == .prune && allowed.desired != nil {
                for range in action.ranges where range.end > window.start && range.start < window.end {
                    throw PlanAuditError.series(name, "prune of \(range) deletes bars inside the manifest's window")
                }
            }
            try Step.expectSame(series.actions, as: allowed.actions, name)
        }
    }

    /// Every funding plan with changes must be the re-made plan's for its symbol, action for action.
    static func checkFunding(_ saved: Plan, remade: Plan) throws {
        let expected = Dictionary(
            (remade.funding ?? []).map { ($0.symbol, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        for funding in saved.funding ?? [] {
            let name = "\(funding.symbol) funding"
            guard seen.insert(funding.symbol).inserted else { throw PlanAuditError.series(name, "is planned twice") }
            guard funding.hasChanges else { continue }
            guard let allowed = expected[funding.symbol], allowed.hasChanges else {
                throw PlanAuditError.series(name, "is not wanted by the manifest's funding (or is already complete)")
            }
            try Step.expectSame(funding.actions, as: allowed.actions, name)
        }
    }

    /// An action's kind and ranges, the part of it the executor acts on.
    struct Step: Hashable {
        var kind: ActionKind
        var ranges: [TimeRange]

        /// Throws unless `saved` does what `remade` does, action for action (no-ops aside).
        static func expectSame(_ saved: [PlannedAction], as remade: [PlannedAction], _ name: String) throws {
            let want = remade.filter { $0.kind != .noop }.map { Step(kind: $0.kind, ranges: $0.ranges) }
            let have = saved.filter { $0.kind != .noop }.map { Step(kind: $0.kind, ranges: $0.ranges) }
            guard want == have else {
                throw PlanAuditError.series(
                    name, "plans \(list(have)), but the manifest and the database give \(list(want))")
            }
        }

        static func list(_ steps: [Step]) -> String {
            steps.isEmpty
                ? "nothing"
                : steps.map { "\($0.kind.rawValue) \($0.ranges.map(\.description).joined(separator: ", "))" }
                    .joined(separator: "; ")
        }
    }
}
