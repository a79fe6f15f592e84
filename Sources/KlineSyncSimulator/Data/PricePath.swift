import Foundation

/// A symbol's deterministic price path: any point is computed in O(1), without walking from the listing.
///
/// The log price is a sum of smooth value-noise layers at scales from one second to four years, with amplitudes
/// growing roughly like the square root of the scale, so it looks like a random walk at every zoom level.
struct PricePath: Sendable {
    /// Layer scales (ms) and amplitudes (in log price).
    static let layers: [(scale: Int64, amplitude: Double)] = [
        (1000, 0.000_12), (60_000, 0.000_9), (300_000, 0.001_6), (3_600_000, 0.004), (14_400_000, 0.008),
        (86_400_000, 0.02), (604_800_000, 0.06), (5_184_000_000, 0.2), (31_536_000_000, 0.55),
        (126_144_000_000, 0.7),
    ]

    /// Hash key of the symbol under the seed.
    let key: UInt64
    let logBase: Double
    /// Multiplier of every layer's amplitude.
    let volatility: Double

    /// One hash key per layer.
    let layerKeys: [UInt64]

    init(seed: UInt64, symbol: String, basePrice: Double) {
        let key = Hashing.mix(seed, Hashing.fnv(symbol))
        self.key = key
        var keys: [UInt64] = []
        var layerKey = key
        for _ in PricePath.layers {
            layerKey = Hashing.mix(layerKey, 0x5EED as UInt64)
            keys.append(layerKey)
        }
        layerKeys = keys
        logBase = log(basePrice)
        volatility = 0.7 + 0.9 * Hashing.unit(Hashing.mix(key, 7 as UInt64))
    }

    /// The price at time `t` (ms).
    func price(at t: Int64) -> Double { exp(logPrice(at: t)) }

    /// The log price at time `t` (ms).
    func logPrice(at t: Int64) -> Double {
        var sum = 0.0
        for (index, layer) in PricePath.layers.enumerated() {
            let layerKey = layerKeys[index]
            let q = t >= 0 ? t / layer.scale : (t - layer.scale + 1) / layer.scale
            let f = Double(t - q * layer.scale) / Double(layer.scale)
            let a = Hashing.signed(Hashing.mix(layerKey, q))
            let b = Hashing.signed(Hashing.mix(layerKey, q + 1))
            let s = f * f * (3 - 2 * f)
            sum += (a + (b - a) * s) * layer.amplitude
        }
        return logBase + sum * volatility
    }

    /// Typical size of a wick beyond the body for a bar lasting `minutes`, as a log-price fraction.
    func wickScale(minutes: Double) -> Double { 0.0007 * volatility * minutes.squareRoot() }
}
