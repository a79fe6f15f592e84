/// Closed history as files (data.binance.vision, DESIGN §8): downloaded, verified against their `.CHECKSUM`,
/// unzipped and parsed, at no request weight.
///
/// Implementation: `BinanceArchive` over HTTP (the real archive, or the simulator's). A file that cannot be trusted
/// is not an error: `fetch` says why (`ArchiveFetch.Outcome.fallback`) and the executor fetches that file's range by
/// REST instead.
public protocol ArchiveSource: Sendable {
    /// Downloads one file and its `.CHECKSUM`, verifies the SHA-256 (downloading once more on a mismatch), unzips it
    /// and parses its rows with the same checks as REST rows (12 fields, on the interval's grid, ascending, inside the
    /// file's period, close time = open time + interval − 1). Throws only when cancelled.
    func fetch(_ file: ArchiveFileID) async throws -> ArchiveFetch
}

/// What fetching one archive file gave: its bars, or why its range goes to REST; and what it cost.
public struct ArchiveFetch: Sendable {
    /// Verified bars, or the reason the file is not used.
    public enum Outcome: Sendable {
        /// Every row of the file, validated, in open-time order (rows the file lacks are fetched by REST).
        case bars([Bar])
        /// The file cannot be trusted or had no usable content; its range is fetched by REST.
        case fallback(ArchiveFallback)
    }

    public var outcome: Outcome
    /// HTTP requests sent (zips, checksums, the re-download after a mismatch).
    public var requests: Int
    /// Bytes of zip downloaded.
    public var bytes: Int

    public init(outcome: Outcome, requests: Int, bytes: Int) {
        self.outcome = outcome
        self.requests = requests
        self.bytes = bytes
    }
}

/// Why an archive file's range went to REST.
public struct ArchiveFallback: Sendable, Hashable, CustomStringConvertible {
    /// The kind, as reports count it.
    public var reason: Reason
    /// What was found, for a person.
    public var detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// The kinds of fallback.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The zip is not there (404): normal for recent periods and days the archive lacks.
        case missing
        /// The `.CHECKSUM` is not there.
        case noChecksum = "no_checksum"
        /// The zip's SHA-256 differed from `.CHECKSUM` twice.
        case checksumMismatch = "checksum_mismatch"
        /// The zip could not be read (truncated, not a zip, no CSV inside).
        case brokenZip = "broken_zip"
        /// A CSV row failed validation.
        case invalidRow = "invalid_row"
        /// The archive server could not be reached or kept failing.
        case unreachable
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
