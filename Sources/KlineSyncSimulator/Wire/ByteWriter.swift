/// Appends JSON and decimal text to a byte array, without intermediate strings.
struct ByteWriter: Sendable {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    private static let powers: [UInt64] = (0...19).map { p in (0..<p).reduce(UInt64(1)) { acc, _ in acc * 10 } }

    @inline(__always)
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A JSON string literal; the simulator only writes ASCII names and messages without control characters.
    mutating func string(_ text: String) {
        bytes.append(34)
        for b in text.utf8 {
            if b == 34 || b == 92 { bytes.append(92) }
            bytes.append(b)
        }
        bytes.append(34)
    }

    /// An unsigned integer in decimal.
    mutating func unsigned(_ value: UInt64) {
        var count = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        digits(value, count: count)
    }

    /// The `count` low decimal digits of `value`, zero-padded, written from the last one back (no slices, no
    /// divisions by a variable: this is the hot loop of every klines body and archive CSV).
    @inline(__always)
    private mutating func digits(_ value: UInt64, count: Int) {
        let end = bytes.count + count
        bytes.append(contentsOf: repeatElement(48, count: count))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var v = value
            var i = end
            while i > end - count {
                i -= 1
                buffer[i] = 48 + UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
        }
    }

    /// A signed integer in decimal.
    mutating func integer(_ value: Int64) {
        if value < 0 {
            bytes.append(45)
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    /// `count` low digits of `value`, zero-padded.
    private mutating func padded(_ value: UInt64, count: Int) { digits(value, count: count) }

    /// A price given in ticks of `10^-precision`, written with `decimals ≥ precision` places.
    mutating func ticks(_ ticks: Int64, precision: Int, decimals: Int) {
        let scale = ByteWriter.powers[precision]
        let t = UInt64(ticks)
        unsigned(t / scale)
        guard decimals > 0 else { return }
        bytes.append(46)
        padded(t % scale, count: precision)
        for _ in precision..<decimals { bytes.append(48) }
    }

    /// A signed value given in units of `10^-precision`, written with exactly `precision` places (`-0.00042931`).
    mutating func signedTicks(_ units: Int64, precision: Int) {
        if units < 0 { bytes.append(45) }
        let scale = ByteWriter.powers[precision]
        let t = units.magnitude
        unsigned(t / scale)
        guard precision > 0 else { return }
        bytes.append(46)
        padded(t % scale, count: precision)
    }

    /// A non-negative decimal rounded down to `decimals` places, always written with exactly that many.
    mutating func decimal(_ value: Double, decimals: Int) {
        let v = max(0, value)
        let whole = v.rounded(.down)
        unsigned(UInt64(whole))
        guard decimals > 0 else { return }
        let scale = ByteWriter.powers[decimals]
        let fraction = min(UInt64(((v - whole) * Double(scale)).rounded(.down)), scale - 1)
        bytes.append(46)
        padded(fraction, count: decimals)
    }
}
