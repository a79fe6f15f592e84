import KlineSyncCore

/// Why a klines body could not be parsed: where (row, field, byte offset) and what was wrong.
public struct KlineParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Zero-based row index, when the problem is inside a row.
    public var row: Int?
    /// Zero-based field index within the row, when the problem is inside a field.
    public var field: Int?
    /// Byte offset in the body.
    public var offset: Int
    /// What was expected or found.
    public var message: String

    public var description: String {
        var place = "byte \(offset)"
        if let row { place = "row \(row)" + (field.map { ", field \($0)" } ?? "") + ", " + place }
        return "\(message) (\(place))"
    }
}

/// A hand-written parser for the klines array (`[[1499040000000,"0.0163",…,"0"],…]`).
///
/// It reads bytes directly, without Foundation's `JSONDecoder` or `JSONSerialization` (several times slower on
/// Linux; `bench/parse` measures both). It accepts exactly the JSON Binance sends: an array of 12-element arrays
/// with integers in fields 0, 6 and 8, decimal strings in fields 1–5, 7, 9 and 10, and a string or a number in
/// the unused field 11; whitespace anywhere JSON allows it. Anything else is rejected with its row and field.
public enum KlineParser {
    /// Number of fields in one kline row.
    public static let fieldCount = 12

    /// Parses a klines body.
    public static func parse(_ body: some Sequence<UInt8>) throws(KlineParseError) -> [Bar] {
        let result: Result<[Bar], KlineParseError>? = body.withContiguousStorageIfAvailable { buffer in
            Result { () throws(KlineParseError) -> [Bar] in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        if let result { return try result.get() }
        let bytes = Array(body)
        let copied = bytes.withUnsafeBytes { buffer in
            Result { () throws(KlineParseError) -> [Bar] in try parse(buffer) }
        }
        return try copied.get()
    }

    /// Parses a klines body held in raw memory.
    public static func parse(_ buffer: UnsafeRawBufferPointer) throws(KlineParseError) -> [Bar] {
        var reader = Reader(bytes: buffer)
        return try reader.parseArray()
    }
}

/// The cursor over the body; one instance per parse.
private struct Reader {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    var row: Int?
    var field: Int?

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func fail(_ message: String) -> KlineParseError {
        KlineParseError(row: row, field: field, offset: index, message: message)
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            let c = bytes[index]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            index += 1
        }
    }

    /// The next non-whitespace byte, not consumed.
    mutating func peek(_ expected: String) throws(KlineParseError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of body, expected \(expected)") }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8, _ name: String) throws(KlineParseError) {
        guard try peek(name) == byte else { throw fail("expected \(name), found \(describe(bytes[index]))") }
        index += 1
    }

    func describe(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    mutating func parseArray() throws(KlineParseError) -> [Bar] {
        try expect(UInt8(ascii: "["), "'[' opening the klines array")
        var bars: [Bar] = []
        bars.reserveCapacity(min(1500, bytes.count / 150 + 1))
        if try peek("a row or ']'") == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                row = bars.count
                bars.append(try parseRow())
                row = nil
                let c = try peek("',' or ']' after a row")
                index += 1
                if c == UInt8(ascii: "]") { break }
                guard c == UInt8(ascii: ",") else {
                    index -= 1
                    throw fail("expected ',' or ']' after row \(bars.count - 1), found \(describe(c))")
                }
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected data after the klines array") }
        return bars
    }

    mutating func parseRow() throws(KlineParseError) -> Bar {
        try expect(UInt8(ascii: "["), "'[' opening a row")
        field = 0
        let openTime = try integer()
        try separator()
        field = 1
        let open = try decimal()
        try separator()
        field = 2
        let high = try decimal()
        try separator()
        field = 3
        let low = try decimal()
        try separator()
        field = 4
        let close = try decimal()
        try separator()
        field = 5
        let volume = try decimal()
        try separator()
        field = 6
        let closeTime = try integer()
        try separator()
        field = 7
        let quoteVolume = try decimal()
        try separator()
        field = 8
        let trades = try integer()
        try separator()
        field = 9
        let takerBase = try decimal()
        try separator()
        field = 10
        let takerQuote = try decimal()
        try separator()
        field = 11
        try skipIgnoredValue()
        field = nil
        let c = try peek("']' closing the row")
        guard c == UInt8(ascii: "]") else {
            throw fail(
                c == UInt8(ascii: ",")
                    ? "more than 12 fields in a row" : "expected ']' closing the row, found \(describe(c))")
        }
        index += 1
        return Bar(
            openTime: openTime, open: open, high: high, low: low, close: close, volume: volume, closeTime: closeTime,
            quoteVolume: quoteVolume, trades: trades, takerBuyBaseVolume: takerBase, takerBuyQuoteVolume: takerQuote)
    }

    mutating func separator() throws(KlineParseError) {
        let c = try peek("','")
        guard c == UInt8(ascii: ",") else {
            throw fail(
                c == UInt8(ascii: "]")
                    ? "row has only \(field! + 1) fields, expected 12" : "expected ',', found \(describe(c))")
        }
        index += 1
    }

    /// A non-negative JSON integer that fits in Int64.
    mutating func integer() throws(KlineParseError) -> Int64 {
        let first = try peek("an integer")
        guard first >= 0x30 && first <= 0x39 else { throw fail("expected an integer, found \(describe(first))") }
        var value: Int64 = 0
        let start = index
        while index < bytes.count {
            let c = bytes[index]
            guard c >= 0x30 && c <= 0x39 else { break }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(c &- 0x30))
            guard !o1 && !o2 else { throw fail("integer out of range") }
            value = sum
            index += 1
        }
        if index - start > 1 && first == 0x30 { throw fail("integer with a leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
            throw fail("expected an integer, found a fractional number")
        }
        return value
    }

    /// A JSON string holding a plain decimal: optional '-', digits, optional '.' and digits.
    mutating func decimal() throws(KlineParseError) -> String {
        let c = try peek("a decimal string")
        guard c == UInt8(ascii: "\"") else { throw fail("expected a decimal string, found \(describe(c))") }
        index += 1
        let start = index
        var digits = 0
        var dot = false
        while index < bytes.count {
            let c = bytes[index]
            if c >= 0x30 && c <= 0x39 {
                digits += 1
            } else if c == UInt8(ascii: "\"") {
                break
            } else if c == UInt8(ascii: ".") && !dot {
                dot = true
            } else if c == UInt8(ascii: "-") && index == start {
                // leading sign
            } else {
                throw fail("invalid character \(describe(c)) in a decimal string")
            }
            index += 1
        }
        guard index < bytes.count else { throw fail("unexpected end of body inside a string") }
        guard digits > 0 else { throw fail("empty or non-numeric decimal string") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return text
    }

    /// Field 11: a string (live data: "0") or a number (documentation); its value is ignored.
    mutating func skipIgnoredValue() throws(KlineParseError) {
        let c = try peek("field 11")
        if c == UInt8(ascii: "\"") {
            index += 1
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") {
                    index += 1
                } else if c < 0x20 {
                    throw fail("control character in a string")
                }
                index += 1
            }
            guard index < bytes.count else { throw fail("unexpected end of body inside a string") }
            index += 1
        } else if c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) {
            let start = index
            while index < bytes.count {
                let c = bytes[index]
                let numeric =
                    (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
                    || c == UInt8(ascii: "+") || c | 0x20 == UInt8(ascii: "e")
                guard numeric else { break }
                index += 1
            }
            guard index - start > (c == UInt8(ascii: "-") ? 1 : 0) else { throw fail("malformed number") }
        } else {
            throw fail("expected a string or a number, found \(describe(c))")
        }
    }
}
