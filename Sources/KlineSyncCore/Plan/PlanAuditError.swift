/// A saved plan that asks for something the manifest does not allow (it was edited, or made for another state).
public enum PlanAuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The plan as a whole.
    case document(String)
    /// One series of the plan: its name and the problem.
    case series(String, String)

    public var description: String {
        let what: String
        switch self {
        case .document(let problem): what = "the plan does not match the manifest: \(problem)"
        case .series(let name, let problem): what = "the plan does not match the manifest: \(name) \(problem)"
        }
        return what + "; saved plans are applied only as `klinesync plan --out` wrote them, so run it again"
    }
}
