/// An error thrown by a caller's closure inside a store access (the body of `forEachBatch`), which the store
/// carries out unchanged instead of reporting it as its own failure.
public struct CallerError: Error {
    /// The caller's error.
    public let error: any Error

    /// Wraps the caller's `error`.
    public init(error: any Error) {
        self.error = error
    }
}
