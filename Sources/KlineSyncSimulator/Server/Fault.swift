/// A misbehaviour the simulator can inject into one klines response.
public enum Fault: Sendable, Hashable {
    /// HTTP 5xx (500, 502 or 503) with Binance's error body.
    case serverError(Int)
    /// The connection is closed without any response.
    case reset
    /// Headers announce the full body (Content-Length), then only part of it is sent and the connection closes.
    case truncated
    /// The body is sent in small pieces spread over this many ms.
    case slowBody(Int)
    /// One row of the page is malformed.
    case malformedRow(MalformedRow)
    /// The response is delayed by this many ms before anything is sent.
    case latency(Int)

    /// How a malformed row is broken.
    public enum MalformedRow: Sendable, Hashable {
        /// The row has 11 fields instead of 12.
        case missingField
        /// The open price is not a number.
        case nonNumericPrice
    }
}
