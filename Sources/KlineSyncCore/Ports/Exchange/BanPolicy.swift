/// What to do when the exchange bans the IP (HTTP 418): the manifest's `retry.on_ban`.
public enum BanPolicy: String, Sendable, Hashable, Codable {
    /// Stop the run at once; send nothing more.
    case stop
    /// Send nothing until the ban ends, then carry on.
    case wait
}
