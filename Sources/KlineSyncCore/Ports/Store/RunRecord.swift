/// One apply run as the runs table keeps it.
public struct RunRecord: Sendable, Hashable, Codable {
    public var id: String
    public var manifestDigest: String
    public var startedAt: Int64
    public var finishedAt: Int64?
    public var status: String
    /// The JSON report.
    public var report: String?

    public init(
        id: String, manifestDigest: String, startedAt: Int64, finishedAt: Int64?, status: String, report: String?
    ) {
        self.id = id
        self.manifestDigest = manifestDigest
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.report = report
    }
}
