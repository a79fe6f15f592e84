import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bars of one series that did not fit the executor's memory budget, kept in an anonymous temporary file until the
/// symbol's transaction reads them back in batches.
///
/// The file is unlinked as soon as it is made, so it never outlives the process, whatever way the process ends
/// (SIGKILL included): only the open descriptor keeps it. A record is a bar in binary: its length (4 bytes), open
/// time, close time and trades (8 bytes each, little-endian), then its eight decimal texts, each as a 2-byte length
/// and UTF-8 bytes.
///
/// Used by one task at a time (the symbol's fetch, then its write); not thread-safe.
///
/// `@unchecked Sendable` invariant: a spool belongs to one symbol's task; it is handed from the fetch to the write
/// only after the fetch has returned, so its counters, buffer and file offset are never touched by two tasks at
/// once. A lock would cost a bar's worth of time per append on the hot path for nothing.
public final class BarSpool: @unchecked Sendable {
    /// Where the file was made, for messages.
    public let directory: String
    /// Bars in the file.
    public private(set) var count = 0
    /// Bytes in the file.
    public private(set) var byteCount = 0
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Makes an anonymous file in `directory` (the system's temporary folder by default).
    public init(directory: String? = nil) throws(SpoolError) {
        let folder = directory ?? FileManager.default.temporaryDirectory.path
        self.directory = folder
        var template = Array((folder.hasSuffix("/") ? folder : folder + "/").utf8CString.dropLast())
        template.append(contentsOf: Array("klinesync-spool-XXXXXX".utf8CString))
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw SpoolError(directory: folder, operation: "create a spool file", errno: errno)
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        unlink(path)
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Bytes of records encoded before they are written out: what `append` holds at most besides the bars given.
    static let flushBytes = 256 << 10

    /// Appends bars at the end of the file, written out every `flushBytes` of records.
    public func append(_ bars: some Collection<Bar>) throws(SpoolError) {
        guard !bars.isEmpty else { return }
        buffer.removeAll(keepingCapacity: true)
        var encoded = 0
        for bar in bars {
            guard Self.encode(bar, into: &buffer) else {
                throw SpoolError(
                    directory: directory, operation: "spool bar \(bar.openTime): a decimal text over 65,535 bytes",
                    errno: 0)
            }
            encoded += 1
            if buffer.count >= Self.flushBytes {
                try flush(encoded)
                encoded = 0
            }
        }
        try flush(encoded)
    }

    /// Writes the buffered records of `bars` bars at the end of the file and empties the buffer.
    private func flush(_ bars: Int) throws(SpoolError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { bytes -> Int in
            var offset = 0
            while offset < bytes.count {
                let n = pwrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(byteCount + offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    return -1
                }
                offset += n
            }
            return offset
        }
        guard written == buffer.count else {
            throw SpoolError(directory: directory, operation: "write \(bars) bars", errno: errno)
        }
        byteCount += written
        count += bars
        buffer.removeAll(keepingCapacity: true)
    }

    /// Reads the file back from the start, `batchSize` bars at a time.
    public func makeReader(batchSize: Int = 4096) -> Reader { Reader(spool: self, batchSize: max(1, batchSize)) }

    /// Reads a spool in append order. Any number of readers may read the same spool one after another.
    public struct Reader {
        let spool: BarSpool
        let batchSize: Int
        private var offset = 0
        private var pending: [UInt8] = []
        private var start = 0

        init(spool: BarSpool, batchSize: Int) {
            self.spool = spool
            self.batchSize = batchSize
        }

        /// The next batch, or nil at the end.
        public mutating func next() throws(SpoolError) -> [Bar]? {
            var bars: [Bar] = []
            bars.reserveCapacity(min(batchSize, spool.count))
            while bars.count < batchSize {
                if let bar = try decodeNext() {
                    bars.append(bar)
                } else {
                    break
                }
            }
            return bars.isEmpty ? nil : bars
        }

        private mutating func decodeNext() throws(SpoolError) -> Bar? {
            if pending.count - start < 4 { try refill(need: 4) }
            guard pending.count - start >= 4 else {
                if pending.count > start { throw corrupt("a truncated record length") }
                return nil
            }
            let length = Int(pending.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: start, as: UInt32.self) })
            if pending.count - start < 4 + length { try refill(need: 4 + length) }
            guard pending.count - start >= 4 + length else { throw corrupt("a truncated record") }
            let bar = pending.withUnsafeBytes { BarSpool.decode($0, from: start + 4, length: length) }
            guard let bar else { throw corrupt("a malformed record") }
            start += 4 + length
            return bar
        }

        /// Reads more of the file so that at least `need` bytes are buffered from `start`, when the file has them.
        private mutating func refill(need: Int) throws(SpoolError) {
            if start > 0 {
                pending.removeFirst(start)
                start = 0
            }
            let chunk = max(need - pending.count, 1 << 20)
            let remaining = spool.byteCount - offset
            let wanted = min(chunk, remaining)
            guard wanted > 0 else { return }
            let old = pending.count
            pending.append(contentsOf: repeatElement(0, count: wanted))
            var got = 0
            while got < wanted {
                let n = pending.withUnsafeMutableBytes {
                    pread(spool.descriptor, $0.baseAddress! + old + got, wanted - got, off_t(offset + got))
                }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw SpoolError(directory: spool.directory, operation: "read bars back", errno: n < 0 ? errno : 0)
                }
                got += n
            }
            offset += got
        }

        private func corrupt(_ what: String) -> SpoolError {
            SpoolError(directory: spool.directory, operation: "read bars back (\(what))", errno: 0)
        }
    }

    /// Appends the record of `bar`; false (and `out` unusable) when a text is too long for its 2-byte length.
    static func encode(_ bar: Bar, into out: inout [UInt8]) -> Bool {
        let lengthAt = out.count
        append(UInt32(0), to: &out)
        append(bar.openTime, to: &out)
        append(bar.closeTime, to: &out)
        append(bar.trades, to: &out)
        guard append(bar.open, to: &out), append(bar.high, to: &out), append(bar.low, to: &out),
            append(bar.close, to: &out), append(bar.volume, to: &out), append(bar.quoteVolume, to: &out),
            append(bar.takerBuyBaseVolume, to: &out), append(bar.takerBuyQuoteVolume, to: &out)
        else { return false }
        let length = UInt32(out.count - lengthAt - 4).littleEndian
        withUnsafeBytes(of: length) { bytes in
            for i in 0..<4 { out[lengthAt + i] = bytes[i] }
        }
        return true
    }

    @inline(__always)
    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Appends a text as its 2-byte length and its UTF-8 bytes; false when it is too long.
    @inline(__always)
    private static func append(_ text: String, to out: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes -> Bool in
            guard let length = UInt16(exactly: bytes.count) else { return false }
            append(length, to: &out)
            out.append(contentsOf: bytes)
            return true
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, from start: Int, length: Int) -> Bar? {
        let end = start + length
        guard length >= 24 + 16 else { return nil }
        func int64(_ at: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: Int64.self)) }
        var cursor = start + 24
        var malformed = false
        // The next text, in record order; "" (and `malformed`) past the record's end.
        func text() -> String {
            guard cursor + 2 <= end else {
                malformed = true
                return ""
            }
            let count = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: UInt16.self)))
            cursor += 2
            guard cursor + count <= end else {
                malformed = true
                return ""
            }
            defer { cursor += count }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[cursor..<cursor + count]), as: UTF8.self)
        }
        let open = text()
        let high = text()
        let low = text()
        let close = text()
        let volume = text()
        let quoteVolume = text()
        let takerBuyBase = text()
        let takerBuyQuote = text()
        guard !malformed, cursor == end else { return nil }
        return Bar(
            openTime: int64(start), open: open, high: high, low: low, close: close, volume: volume,
            closeTime: int64(start + 8), quoteVolume: quoteVolume, trades: int64(start + 16),
            takerBuyBaseVolume: takerBuyBase, takerBuyQuoteVolume: takerBuyQuote)
    }
}
