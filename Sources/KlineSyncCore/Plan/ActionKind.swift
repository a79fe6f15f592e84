/// The kinds of action, in the design's vocabulary.
public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing stored yet: fetch the whole window.
    case create
    /// Newer bars closed since the last stored one.
    case extend
    /// Older bars wanted before the first stored one.
    case backfill
    /// Interior gaps that are not confirmed empty.
    case repair
    /// Re-fetch and replace atomically (force rule or `--force`).
    case replace
    /// Delete stored bars outside the desired window (`prune: true`).
    case prune
    /// The series left the manifest or the symbol left the universe: no fetch, data kept.
    case retire
    /// Up to date.
    case noop

    /// Whether the action fetches bars.
    public var fetches: Bool { [.create, .extend, .backfill, .repair, .replace].contains(self) }
}
