import KlineSyncCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A row of an archive CSV that failed its checks: which line and what was wrong.
public struct ArchiveRowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One-based line number in the CSV.
    public var line: Int
    public var message: String

    public var description: String { "line \(line): \(message)" }
}

/// Parses the CSV of one archive kline file into bars, fed in chunks as the zip inflates, so the CSV is never held
/// whole.
///
/// Rows get the same checks as REST rows (DESIGN §8): 12 fields; integers in fields 0, 6 and 8; plain decimals in
/// fields 1–5, 7, 9 and 10; open times on the interval's grid, strictly ascending and inside the file's period; close
/// time = open time + interval − 1. A header row is recognised on the first line only (its first byte is not a
/// digit; futures files since about 2022-05 have one). Times in microseconds (spot files from 2025 on) are detected
/// per row by their size and become milliseconds.
public struct ArchiveCSVParser: Sendable {
    /// The file's interval and period.
    public let interval: Interval
    public let period: TimeRange
    /// The rows parsed so far.
    public private(set) var bars: [Bar] = []
    /// Bytes of a line that continues in the next chunk.
    private var carry: [UInt8] = []
    private var line = 0
    private var previous = Int64.min
    /// Where each of a line's 12 fields ends (the index of its comma, or the line's length).
    private var ends = [Int](repeating: 0, count: 12)

    /// Open times from this value on are microseconds: 10^14 ms is the year 5138, 10^14 µs is 1973.
    static let microsecondsFrom: Int64 = 100_000_000_000_000

    public init(interval: Interval, period: TimeRange) {
        self.interval = interval
        self.period = period
        bars.reserveCapacity(Int(min(interval.count(from: period.start, to: period.end), 1 << 20)))
    }

    /// Parses every whole line of `chunk` (and the line carried over from the previous chunk).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws(ArchiveRowError) {
        guard let base = chunk.baseAddress else { return }
        let count = chunk.count
        var start = 0
        while start < count, let found = memchr(base + start, 0x0A, count - start) {
            let index = base.distance(to: UnsafeRawPointer(found))
            if carry.isEmpty {
                try parseLine(UnsafeRawBufferPointer(rebasing: chunk[start..<index]))
            } else {
                carry.append(contentsOf: chunk[start..<index])
                let whole = carry
                carry.removeAll(keepingCapacity: true)
                try parseCarried(whole)
            }
            start = index + 1
        }
        if start < count { carry.append(contentsOf: chunk[start..<count]) }
    }

    /// Parses the last line when the CSV does not end with a line feed.
    public mutating func finish() throws(ArchiveRowError) {
        guard !carry.isEmpty else { return }
        let whole = carry
        carry.removeAll()
        try parseCarried(whole)
    }

    /// Parses a line that was carried over between chunks.
    private mutating func parseCarried(_ line: [UInt8]) throws(ArchiveRowError) {
        let result: Result<Void, ArchiveRowError> = line.withUnsafeBytes { bytes in
            Result { () throws(ArchiveRowError) in try self.parseLine(bytes) }
        }
        try result.get()
    }

    /// The fields holding decimals.
    private static let decimalFields = [1, 2, 3, 4, 5, 7, 9, 10]

    /// Checks one line and appends its bar. Allocates nothing but the bar's strings (and those only when longer
    /// than a small string): the fields are located by `ends`, a buffer the parser keeps.
    private mutating func parseLine(_ raw: UnsafeRawBufferPointer) throws(ArchiveRowError) {
        line += 1
        var length = raw.count
        if length > 0, raw[length - 1] == 0x0D { length -= 1 }
        if length == 0 { return }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<length])
        if line == 1, !(bytes[0] >= 0x30 && bytes[0] <= 0x39) { return }  // the header row
        var commas = 0
        for index in 0..<length where bytes[index] == 0x2C {
            if commas < 11 { ends[commas] = index }
            commas += 1
        }
        guard commas == 11 else { throw fail("\(commas + 1) fields, expected 12") }
        ends[11] = length
        guard var open = Self.integer(field(bytes, 0)) else { throw fail("open time is not an integer") }
        guard var close = Self.integer(field(bytes, 6)) else { throw fail("close time is not an integer") }
        guard let trades = Self.integer(field(bytes, 8)), trades >= 0 else {
            throw fail("trade count is not a count")
        }
        if open >= Self.microsecondsFrom {
            guard open % 1000 == 0 else { throw fail("open time \(open) µs is not a whole millisecond") }
            open /= 1000
            close /= 1000
        }
        for index in Self.decimalFields where !Self.isDecimal(field(bytes, index)) {
            throw fail("field \(index) is not a decimal number")
        }
        guard interval.isAligned(open) else { throw fail("open time \(open) is not on the \(interval.name) grid") }
        guard open > previous else { throw fail("open time \(open) does not ascend (previous \(previous))") }
        guard period.contains(open) else { throw fail("open time \(open) is outside the file's period") }
        let expectedClose = interval.closeTime(ofBarOpeningAt: open)
        guard close == expectedClose else { throw fail("close time \(close), expected \(expectedClose)") }
        previous = open
        func text(_ index: Int) -> String { String(decoding: field(bytes, index), as: UTF8.self) }
        bars.append(
            Bar(
                openTime: open, open: text(1), high: text(2), low: text(3), close: text(4), volume: text(5),
                closeTime: close, quoteVolume: text(7), trades: trades, takerBuyBaseVolume: text(9),
                takerBuyQuoteVolume: text(10)))
    }

    /// Field `index` of a line whose field ends are in `ends`.
    private func field(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[(index == 0 ? 0 : ends[index - 1] + 1)..<ends[index]])
    }

    private func fail(_ message: String) -> ArchiveRowError { ArchiveRowError(line: line, message: message) }

    /// A non-negative decimal integer of at most 18 digits.
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    /// A plain decimal (`DecimalText`'s rule) of at most 64 bytes.
    static func isDecimal(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count <= 64 && DecimalText.isValid(utf8: bytes)
    }
}
