import Foundation
import KlineSyncCore

/// Maps a non-200 HTTP answer to an `ExchangeError`, reading Binance's `{"code","msg"}` body when there is one.
enum ResponseClassifier {
    /// The error for `status` with `body`, `Retry-After` header value and request path.
    static func error(status: Int, body: [UInt8], retryAfter: String?, path: String) -> ExchangeError {
        let parsed = errorBody(body)
        let message = parsed?.msg ?? snippet(body)
        switch status {
        case 429:
            return .rateLimited(retryAfter: retryAfter.flatMap(retryAfterSeconds), path: path)
        case 418:
            return .banned(until: banEnd(in: message), message: message)
        case 408, 500...599:
            return .server(status: status, message: message, path: path)
        case 400...499:
            if let parsed, let code = parsed.code {
                return .rejected(status: status, code: code, message: parsed.msg ?? "", path: path)
            }
            return .server(status: status, message: message, path: path)
        default:
            return .server(status: status, message: message, path: path)
        }
    }

    /// Binance's error body.
    struct ErrorBody: Decodable {
        var code: Int?
        var msg: String?
    }

    static func errorBody(_ body: [UInt8]) -> ErrorBody? {
        guard body.first(where: { $0 > 0x20 }) == UInt8(ascii: "{") else { return nil }
        return try? JSONDecoder().decode(ErrorBody.self, from: Data(body))
    }

    /// `Retry-After` in whole seconds; HTTP dates are not used by Binance and are ignored.
    static func retryAfterSeconds(_ value: String) -> Int? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return max(0, seconds) }
        if let seconds = Double(trimmed), seconds.isFinite { return max(0, Int(seconds.rounded(.up))) }
        return nil
    }

    /// The epoch-ms in `Way too many requests; IP banned until 1615183669840.`: the first run of 12+ digits.
    static func banEnd(in message: String) -> Int64? {
        var digits = ""
        for c in message.unicodeScalars {
            if c.properties.numericType != nil, c.isASCII {
                digits.unicodeScalars.append(c)
            } else {
                if digits.count >= 12 { return Int64(digits) }
                digits = ""
            }
        }
        return digits.count >= 12 ? Int64(digits) : nil
    }

    /// The start of a non-JSON body, for messages.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return text.isEmpty ? "(empty body)" : text
    }
}
