/// An optional capability of an `Exchange`: how many answers of each kind it received, for the agent's
/// `klinesync_requests_total{code}` metric.
///
/// Keys are HTTP status codes (`"200"`, `"429"`, `"503"`) or, when no status came back, an error class
/// (`"transport"`). Every attempt counts, retries included.
public protocol ResponseCounting: Sendable {
    /// Answers received since the client was made, by code.
    func responseCounts() -> [String: Int]
}
