import Synchronization

/// Whether a store has been closed: set once by its `close()`, read by every access before it starts.
public final class ClosedFlag: Sendable {
    private let closed = Mutex(false)

    /// An open store's flag.
    public init() {}

    /// Marks the store closed. True for the first call only, which is the one that closes its connections.
    public func close() -> Bool {
        closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
    }

    /// Whether `close()` was called.
    public var isClosed: Bool { closed.withLock { $0 } }
}
