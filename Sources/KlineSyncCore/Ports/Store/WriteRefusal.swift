/// A write a store refuses, by a check made before or inside its transaction (which then rolls back).
///
/// Thrown by `SymbolWrite.validate()` and by a store's bulk write path (a malformed decimal); the store reports it
/// as a `StoreFailure` of kind `.invalidWrite`, with its location and the operation.
public struct WriteRefusal: Error, Sendable, Hashable {
    /// What is wrong with the write, for example "series usdm BTCUSDT 1h: empty or inverted range 5…5".
    public let reason: String

    /// A refusal for `reason`.
    public init(reason: String) {
        self.reason = reason
    }
}
