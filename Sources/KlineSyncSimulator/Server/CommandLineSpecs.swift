import KlineSyncCore

/// A malformed `klinesync sim --outage` or `--fault` value, with what was expected.
public struct SimulatorSpecError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension Outage {
    /// Reads `[GLOB=]FROM/TO`: times as `2024-01-01` or RFC 3339, FROM before TO; without a glob, every symbol.
    /// For example `2024-03-01T00:00:00Z/2024-03-01T06:00:00Z` or `BTC*=2024-03-01/2024-03-02`.
    public static func parse(_ text: String) throws(SimulatorSpecError) -> Outage {
        var symbols: String?
        var window = Substring(text)
        if let equals = text.firstIndex(of: "=") {
            symbols = String(text[..<equals])
            window = text[text.index(after: equals)...]
            guard !symbols!.isEmpty else {
                throw SimulatorSpecError(description: "--outage '\(text)': the symbol glob before '=' is empty")
            }
        }
        let parts = window.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw SimulatorSpecError(
                description:
                    "--outage '\(text)': expected [GLOB=]FROM/TO, such as 2024-03-01T00:00:00Z/2024-03-01T06:00:00Z")
        }
        guard let from = Timestamp.parse(String(parts[0])), let to = Timestamp.parse(String(parts[1])) else {
            throw SimulatorSpecError(
                description: "--outage '\(text)': FROM and TO must be dates (2024-03-01) or RFC 3339 times")
        }
        guard from < to else { throw SimulatorSpecError(description: "--outage '\(text)': FROM must be before TO") }
        return Outage(symbols: symbols, range: TimeRange(start: from, end: to))
    }
}

extension Fault {
    /// The kinds `parseScript` reads, for help texts.
    public static let scriptKinds =
        "500, 502, 503, reset, truncated, slow:MS, latency:MS, missing-field, bad-price"

    /// Reads `GLOB=KIND[,KIND…]`: the next klines requests for symbols matching GLOB get these faults, one each, in
    /// order; later requests are served normally. For example `BTCUSDT=503,503,reset`.
    public static func parseScript(_ text: String) throws(SimulatorSpecError) -> (pattern: String, faults: [Fault]) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw SimulatorSpecError(
                description: "--fault '\(text)': expected GLOB=KIND[,KIND…], such as BTCUSDT=503,reset")
        }
        let pattern = String(text[..<equals])
        var faults: [Fault] = []
        for kind in text[text.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false) {
            guard let fault = Fault(kind: String(kind)) else {
                throw SimulatorSpecError(
                    description: "--fault '\(text)': unknown fault '\(kind)'; use \(scriptKinds)")
            }
            faults.append(fault)
        }
        return (pattern, faults)
    }

    init?(kind: String) {
        func millis(_ prefix: String) -> Int? {
            guard kind.hasPrefix(prefix), let value = Int(kind.dropFirst(prefix.count)), value >= 0 else { return nil }
            return value
        }
        switch kind {
        case "500", "502", "503": self = .serverError(Int(kind)!)
        case "reset": self = .reset
        case "truncated": self = .truncated
        case "missing-field": self = .malformedRow(.missingField)
        case "bad-price": self = .malformedRow(.nonNumericPrice)
        default:
            if let ms = millis("slow:") {
                self = .slowBody(ms)
            } else if let ms = millis("latency:") {
                self = .latency(ms)
            } else {
                return nil
            }
        }
    }
}
