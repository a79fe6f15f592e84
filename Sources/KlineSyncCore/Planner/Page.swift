/// One klines request: an exact window of open times and the limit that fits it.
public struct Page: Sendable, Hashable, Codable {
    /// `startTime` parameter: the first open time asked for.
    public var startTime: Int64
    /// `endTime` parameter: one millisecond before the open time after the last bar asked for.
    public var endTime: Int64
    /// `limit` parameter: exactly the number of bars in the window.
    public var limit: Int
    /// Request weight of this call.
    public var weight: Int

    public init(startTime: Int64, endTime: Int64, limit: Int, weight: Int) {
        self.startTime = startTime
        self.endTime = endTime
        self.limit = limit
        self.weight = weight
    }
}
