import KlineSyncCore

/// A scripted misbehaviour of the simulated archive for the files of the symbols matching a glob.
///
/// Unlike REST ``Fault``s, which are used up one per request, an archive fault holds for every file of every
/// interval and period of a matching symbol, for as long as the simulator runs (except ``Kind/corruptOnce``, which
/// holds once per file).
public struct ArchiveFault: Sendable, Hashable {
    /// What goes wrong with a file.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The `.CHECKSUM` names a digest that is not the zip's (every time: a download again does not help).
        case badChecksum = "bad-checksum"
        /// The `.CHECKSUM` answers 404; the zip is served.
        case noChecksum = "no-checksum"
        /// The zip and its `.CHECKSUM` answer 404, as a day missing from the real archive.
        case missing
        /// The zip is cut to half its bytes (a complete HTTP answer of a broken zip) and its `.CHECKSUM` is the
        /// digest of those bytes, so the checksum passes and unzipping fails.
        case truncated
        /// The CSV lacks the file's first three rows (all of them when it has three or fewer); the zip and its
        /// `.CHECKSUM` agree.
        case hole
        /// The first download of each zip has one byte changed (its `.CHECKSUM` is right); later downloads of
        /// that zip are intact.
        case corruptOnce = "corrupt-once"
    }

    /// Symbols affected, as a glob (`BTCUSDT`, `*USDT`, `*`).
    public var symbols: String
    /// What goes wrong with their files.
    public var kinds: Set<Kind>

    /// Faults `kinds` for the files of symbols matching `symbols`.
    public init(symbols: String, kinds: Set<Kind>) {
        self.symbols = symbols
        self.kinds = kinds
    }

    /// Whether the fault applies to `symbol`.
    public func applies(to symbol: String) -> Bool { symbols == symbol || Glob.matches(symbols, symbol) }

    /// The number of rows ``Kind/hole`` removes from the start of a file.
    public static let holeRows = 3
}
