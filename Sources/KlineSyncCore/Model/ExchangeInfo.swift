/// The instrument list and limits an exchange advertises.
public struct ExchangeInfo: Sendable, Hashable, Codable {
    public var instruments: [Instrument]
    /// Advertised request-weight limit per minute, if the exchange sent one.
    public var weightLimitPerMinute: Int?
    /// Server time (ms) the response carried, if any.
    public var serverTime: Int64?

    public init(instruments: [Instrument], weightLimitPerMinute: Int?, serverTime: Int64? = nil) {
        self.instruments = instruments
        self.weightLimitPerMinute = weightLimitPerMinute
        self.serverTime = serverTime
    }
}
