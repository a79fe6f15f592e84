/// Fast deterministic hashing: every generated value is a pure function of its inputs.
enum Hashing {
    /// SplitMix64's finaliser: a well-mixed 64-bit hash of `x`.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Hash of two values combined.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 { mix(a ^ mix(b)) }

    /// Hash of a time or index combined with a key.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: Int64) -> UInt64 { mix(a ^ mix(UInt64(bitPattern: b))) }

    /// Uniform in `[0, 1)` from a hash.
    @inline(__always)
    static func unit(_ h: UInt64) -> Double { Double(h >> 11) * 0x1.0p-53 }

    /// Uniform in `[-1, 1)` from a hash.
    @inline(__always)
    static func signed(_ h: UInt64) -> Double { unit(h) * 2 - 1 }

    /// FNV-1a of a string, for symbol and interval names.
    static func fnv(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
