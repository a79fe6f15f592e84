/// An optional capability of a `Store` that several agents share: per-symbol locks that tell agents apart.
///
/// A store that conforms lets concurrent `klinesync apply` processes on the same database split the work: an agent
/// works on a symbol only while it holds that symbol's lock, skips symbols another agent holds and comes back to
/// them later. The locks are advisory: `write(_:)` does not check them. A lock is released by `unlockSymbol`, by
/// `close()` of the store, and when the holder's process dies (its connection closes).
///
/// Test for the capability with `store as? any SymbolLocking`; a store without it (SQLite) has one writer at a
/// time anyway.
public protocol SymbolLocking: Sendable {
    /// Takes the lock of `symbol` on `market` without waiting.
    ///
    /// - Returns: true when this call took the lock; false when another agent holds it, or when this store
    ///   already holds or is taking it (at most one holder per symbol, across processes and within one).
    func tryLockSymbol(_ market: Market, _ symbol: String) async throws -> Bool

    /// Releases the lock of `symbol` on `market`; does nothing when this store does not hold it.
    func unlockSymbol(_ market: Market, _ symbol: String) async throws
}
