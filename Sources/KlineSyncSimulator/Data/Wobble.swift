/// A small smooth deterministic signal around zero: value noise in a few layers, each interpolated with a
/// smoothstep between hashed knots. Its magnitude never exceeds the sum of the layers' amplitudes.
struct Wobble: Sendable {
    /// Layer scales (ms) and amplitudes.
    let layers: [(scale: Int64, amplitude: Double)]
    /// One hash key per layer.
    private let keys: [UInt64]

    /// A signal keyed by `key` with these layers.
    init(key: UInt64, layers: [(scale: Int64, amplitude: Double)]) {
        self.layers = layers
        var keys: [UInt64] = []
        var layerKey = key
        for _ in layers {
            layerKey = Hashing.mix(layerKey, 0x0B_B1E as UInt64)
            keys.append(layerKey)
        }
        self.keys = keys
    }

    /// The largest magnitude the signal can reach.
    var bound: Double { layers.reduce(0) { $0 + $1.amplitude } }

    /// The signal at time `t` (ms).
    func value(at t: Int64) -> Double {
        var sum = 0.0
        for (index, layer) in layers.enumerated() {
            let q = t >= 0 ? t / layer.scale : (t - layer.scale + 1) / layer.scale
            let f = Double(t - q * layer.scale) / Double(layer.scale)
            let a = Hashing.signed(Hashing.mix(keys[index], q))
            let b = Hashing.signed(Hashing.mix(keys[index], q + 1))
            let s = f * f * (3 - 2 * f)
            sum += (a + (b - a) * s) * layer.amplitude
        }
        return sum
    }
}
