/// What a running simulator's archive has served so far (archive requests are not in ``SimulatorCounters``).
public struct ArchiveCounters: Sendable, Hashable {
    /// Requests under `/data/`, whatever the answer.
    public var requests = 0
    /// Answers by HTTP status.
    public var byStatus: [Int: Int] = [:]
    /// Zips answered 200 (whole, truncated or corrupted).
    public var zipsServed = 0
    /// `.CHECKSUM` files answered 200.
    public var checksumsServed = 0
    /// Bytes of zips sent.
    public var zipBytesServed = 0
    /// CSV rows in the zips sent.
    public var rowsServed = 0
    /// Files built from scratch (CSV generated, zipped, digested); the rest came from memory or the disk cache.
    public var filesGenerated = 0
    /// Files read from ``SimulatorConfiguration/archiveCacheDirectory`` instead of being built.
    public var filesFromDisk = 0
    /// Answers changed by an ``ArchiveFault``.
    public var faultsInjected = 0

    /// Answers with this status.
    public subscript(status: Int) -> Int { byStatus[status, default: 0] }
}
