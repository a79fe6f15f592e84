import KlineSyncCore

extension BinanceClient: ResponseCounting {
    /// Answers received per HTTP status code, and `transport` for attempts that got none (refused, reset, timed
    /// out), since the client was made.
    public func responseCounts() -> [String: Int] { responseCodes.withLock { $0 } }

    /// Counts one answer (or failure to get one).
    func countResponse(_ code: String) { responseCodes.withLock { $0[code, default: 0] += 1 } }
}
