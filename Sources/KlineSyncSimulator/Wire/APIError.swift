/// A Binance error answer: HTTP status and the `{"code":…,"msg":…}` body.
struct APIError: Error, Sendable, Hashable {
    var status: Int
    var code: Int
    var message: String

    static func missing(_ parameter: String) -> APIError {
        APIError(
            status: 400, code: -1102,
            message: "Mandatory parameter '\(parameter)' was not sent, was empty/null, or malformed.")
    }

    static func illegal(_ parameter: String, _ range: String) -> APIError {
        APIError(
            status: 400, code: -1100,
            message: "Illegal characters found in parameter '\(parameter)'; legal range is '\(range)'.")
    }

    static let invalidSymbol = APIError(status: 400, code: -1121, message: "Invalid symbol.")
    static let invalidInterval = APIError(status: 400, code: -1120, message: "Invalid interval.")
    static let invalidLimit = APIError(
        status: 400, code: -1130, message: "Data sent for parameter 'limit' is not valid.")
    static let startAfterEnd = APIError(status: 400, code: -1023, message: "Start time is greater than end time.")
    static let windowTooLong = APIError(
        status: 400, code: -1127, message: "More than 200 days between startTime and endTime.")

    static func unknownPath(_ path: String, method: String) -> APIError {
        APIError(status: 404, code: -5000, message: "Path \(path), Method \(method) is invalid")
    }

    /// The body Binance sends with a 5xx.
    static func server(_ status: Int) -> APIError {
        switch status {
        case 503: APIError(status: 503, code: -1001, message: "Service Unavailable.")
        case 502:
            APIError(
                status: 502, code: -1001, message: "Internal error; unable to process your request. Please try again.")
        default:
            APIError(status: status, code: -1000, message: "An unknown error occurred while processing the request.")
        }
    }

    /// The JSON body.
    var body: [UInt8] {
        var w = ByteWriter(capacity: 64 + message.utf8.count)
        w.raw("{\"code\":")
        w.integer(Int64(code))
        w.raw(",\"msg\":")
        w.string(message)
        w.byte(UInt8(ascii: "}"))
        return w.bytes
    }
}
