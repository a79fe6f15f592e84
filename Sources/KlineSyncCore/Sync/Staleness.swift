/// Refuses a saved plan whose database or series changed since it was made, or that asks for more than the manifest
/// allows (an edited plan): see `PlanAudit`.
public enum Staleness {
    /// `serverTime` and `info` are what this run read from the exchange, never values from the plan file.
    public static func check(
        _ plan: Plan, against snapshot: StoreSnapshot, manifest: Manifest, info: ExchangeInfo, serverTime: Int64
    ) throws {
        if let planned = plan.lineageId, planned != snapshot.lineageID {
            throw SyncError.stalePlan(
                "plan is stale: it was made for database lineage \(planned), but \(plan.database) has lineage "
                    + "\(snapshot.lineageID ?? "none") (a different or re-created database); run `klinesync plan --out` again"
            )
        }
        var changed: [String] = []
        for series in plan.series where series.hasChanges {
            let key = series.key(market: plan.market)
            let now = snapshot.summaries[key].map(Planner.fingerprint) ?? "none"
            if now != series.fingerprint { changed.append("\(series.symbol) \(series.interval.name)") }
        }
        for funding in plan.funding ?? [] where funding.hasChanges {
            let now = snapshot.funding[funding.symbol].map(Planner.fingerprint) ?? "none"
            if now != funding.fingerprint { changed.append("\(funding.symbol) funding") }
        }
        guard changed.isEmpty else {
            let list =
                changed.prefix(5).joined(separator: ", ") + (changed.count > 5 ? " and \(changed.count - 5) more" : "")
            throw SyncError.stalePlan(
                "plan is stale: \(list) changed in \(plan.database) since the plan was made; "
                    + "run `klinesync plan --out` again")
        }
        do {
            try PlanAudit.check(
                plan,
                PlanAudit.Context(manifest: manifest, exchangeInfo: info, serverTime: serverTime, snapshot: snapshot))
        } catch let error as PlanAuditError {
            throw SyncError.input("\(error)")
        }
    }
}
