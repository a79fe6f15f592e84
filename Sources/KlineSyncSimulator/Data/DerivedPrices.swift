import Foundation
import KlineSyncCore

/// The continuous signal behind a futures dataset other than trade klines, at any instant in O(1).
///
/// - Mark price: the symbol's trade price (its ``PricePath``) times `exp(w)`, with `|w| ≤ 0.00045`: the mark
///   close of a bar stays within about 0.05 % of the trade close of the same bar.
/// - Index price: keyed by the pair. The trade price of the pair's first instrument in exchangeInfo order (the
///   perpetual: `BTCUSDT`, COIN-M `BTCUSD_PERP`) times `exp(w)` with `|w| ≤ 0.0004`; every symbol of the pair
///   (perpetual and quarterlies) shares it.
/// - Premium index: a signal of its own per symbol, within ±0.00073 around zero; with the bars' wicks (at most
///   0.0002) no premium value reaches ±0.001.
struct DerivedPrices: Sendable {
    let dataset: Dataset
    /// The trade price path the price follows; nil for the premium index.
    let path: PricePath?
    let wobble: Wobble

    /// The signal of `dataset` (not `.klines`) for `instrument`: for the index price, the pair's first instrument.
    init(seed: UInt64, instrument: SimulatedInstrument, dataset: Dataset) {
        self.dataset = dataset
        switch dataset {
        case .klines, .markPrice:
            path = PricePath(seed: seed, symbol: instrument.symbol, basePrice: instrument.basePrice)
            wobble = Wobble(
                key: Hashing.mix(seed, Hashing.fnv(instrument.symbol + "/mark")),
                layers: [(5000, 0.000_08), (60_000, 0.000_12), (900_000, 0.000_15), (14_400_000, 0.000_1)])
        case .indexPrice:
            path = PricePath(seed: seed, symbol: instrument.symbol, basePrice: instrument.basePrice)
            wobble = Wobble(
                key: Hashing.mix(seed, Hashing.fnv(instrument.pair + "/index")),
                layers: [(5000, 0.000_05), (60_000, 0.000_1), (900_000, 0.000_15), (14_400_000, 0.000_1)])
        case .premiumIndex:
            path = nil
            wobble = Wobble(
                key: Hashing.mix(seed, Hashing.fnv(instrument.symbol + "/premium")),
                layers: [(60_000, 0.000_08), (900_000, 0.000_15), (14_400_000, 0.000_25), (259_200_000, 0.000_25)])
        }
    }

    /// The value at `t` (ms): a price, or the premium as a fraction.
    func value(at t: Int64) -> Double {
        guard let path else { return wobble.value(at: t) }
        return path.price(at: t) * exp(wobble.value(at: t))
    }

    /// The value at `t` in units of 10⁻⁸ (the eight decimals every derived row is written with).
    func units(at t: Int64) -> Int64 { Self.units(value(at: t)) }

    /// `value` in units of 10⁻⁸, rounded to the nearest.
    static func units(_ value: Double) -> Int64 { Int64((value * 1e8).rounded()) }

    /// Decimals written for every derived price and rate.
    static let decimals = 8
}
