import KlineSyncCore

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

    /// Open times from this value on are microseconds: 10^14 ms is the year 5138, 10^14 µs is 1973.
    static let microsecondsFrom: Int64 = 100_000_000_000_000

    public init(interval: Interval, period: TimeRange) {
        self.interval = interval
        self.period = period
        bars.reserveCapacity(Int(min(interval.count(from: period.start, to: period.end), 1 << 20)))
    }

    /// Parses every whole line of `chunk` (and the line carried over from the previous chunk).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) throws(ArchiveRowError) {
        var start = 0
        var index = 0
        let count = chunk.count
        while index < count {
            if chunk[index] == 0x0A {
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
            index += 1
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

    private mutating func parseLine(_ raw: UnsafeRawBufferPointer) throws(ArchiveRowError) {
        line += 1
        var bytes = raw
        if let last = bytes.last, last == 0x0D {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 1)])
        }
        if bytes.isEmpty { return }
        if line == 1, !(bytes[0] >= 0x30 && bytes[0] <= 0x39) { return }  // the header row
        var fields: [UnsafeRawBufferPointer] = []
        fields.reserveCapacity(12)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == 0x2C {
            fields.append(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            start = index + 1
        }
        fields.append(UnsafeRawBufferPointer(rebasing: bytes[start..<bytes.count]))
        guard fields.count == 12 else { throw fail("\(fields.count) fields, expected 12") }
        guard var open = Self.integer(fields[0]) else { throw fail("open time is not an integer") }
        guard var close = Self.integer(fields[6]) else { throw fail("close time is not an integer") }
        guard let trades = Self.integer(fields[8]), trades >= 0 else { throw fail("trade count is not a count") }
        if open >= Self.microsecondsFrom {
            guard open % 1000 == 0 else { throw fail("open time \(open) µs is not a whole millisecond") }
            open /= 1000
            close /= 1000
        }
        var text: [String] = []
        text.reserveCapacity(8)
        for index in [1, 2, 3, 4, 5, 7, 9, 10] {
            guard Self.isDecimal(fields[index]) else { throw fail("field \(index) is not a decimal number") }
            text.append(String(decoding: fields[index], as: UTF8.self))
        }
        guard interval.isAligned(open) else { throw fail("open time \(open) is not on the \(interval.name) grid") }
        guard open > previous else { throw fail("open time \(open) does not ascend (previous \(previous))") }
        guard period.contains(open) else { throw fail("open time \(open) is outside the file's period") }
        let expectedClose = interval.closeTime(ofBarOpeningAt: open)
        guard close == expectedClose else { throw fail("close time \(close), expected \(expectedClose)") }
        previous = open
        bars.append(
            Bar(
                openTime: open, open: text[0], high: text[1], low: text[2], close: text[3], volume: text[4],
                closeTime: close, quoteVolume: text[5], trades: trades, takerBuyBaseVolume: text[6],
                takerBuyQuoteVolume: text[7]))
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
