import KlineSyncCore

/// Opens a PostgreSQL database. There is no writer lock: several agents share it, each symbol under its advisory
/// lock (`SymbolLocking`).
public struct PostgresConnector: StoreConnector {
    /// The connection URL, verbatim (it may hold a password; `location` prints it redacted).
    public let url: String

    public init(url: String) { self.url = url }

    public var location: DatabaseLocation { .postgres(url: url) }

    /// A server is assumed to be there; an empty one is told apart by `openForReading`.
    public func mayExist() -> Bool { true }

    public func openForReading() async throws -> (any Store)? {
        do {
            return try await PostgresStore(url: url, createIfMissing: false)
        } catch PostgresStoreError.missing {
            return nil
        }
    }

    public func openForWriting(lockTimeout: Double, onWait: @escaping @Sendable (String?) -> Void) async throws
        -> any Store
    {
        try await PostgresStore(url: url, createIfMissing: true)
    }
}
