extension Report {
    /// The archive's part of a run: files verified, files whose range went to REST (by reason), bytes and requests.
    public struct ArchiveTotals: Sendable, Hashable, Codable {
        /// Files whose checksum and rows checked out; their bars were used.
        public var filesVerified: Int = 0
        /// Files whose range went to REST.
        public var filesFallenBack: Int = 0
        /// Fallbacks by reason (`missing`, `no_checksum`, `checksum_mismatch`, `broken_zip`, `invalid_row`,
        /// `unreachable`).
        public var fallbacks: [String: Int] = [:]
        /// Bytes of zip downloaded.
        public var bytes: Int = 0
        /// HTTP requests to the archive (zips, checksums, re-downloads); they use no request weight.
        public var requests: Int = 0

        public init() {}

        /// Adds one series' archive figures.
        mutating func add(_ series: SeriesReport) {
            filesVerified += series.archiveFiles ?? 0
            bytes += series.archiveBytes ?? 0
            requests += series.archiveRequests ?? 0
            for note in series.archiveFallbacks ?? [] {
                filesFallenBack += 1
                fallbacks[note.reason.rawValue, default: 0] += 1
            }
        }
    }

    /// One archive file whose range went to REST.
    public struct ArchiveFallbackNote: Sendable, Hashable, Codable {
        /// The file's period (`2024-03` or `2024-03-15`).
        public var period: String
        public var reason: ArchiveFallback.Reason
        /// What was found.
        public var detail: String

        public init(period: ArchivePeriod, fallback: ArchiveFallback) {
            self.period = period.description
            self.reason = fallback.reason
            self.detail = fallback.detail
        }
    }
}
