import Foundation
import KlineSyncCore

/// The numbers of one mark-price, index-price or premium-index bar: prices in units of 10⁻⁸ (the premium can be
/// negative), and the count of price samples Binance sends in field 8.
struct DerivedBarValues: Sendable {
    var openTime: Int64
    var closeTime: Int64
    var open: Int64
    var high: Int64
    var low: Int64
    var close: Int64
    /// Field 8: samples behind the bar (mark and index one a second, premium one every five seconds).
    var samples: Int64
}

/// Computes any bar of a mark-price, index-price or premium-index series in O(1), and the still-open bar from the
/// current time, as ``BarGenerator`` does for trade klines.
///
/// Rows have the kline shape with eight decimals; the volume-like fields 5, 7, 9, 10 and 11 are `"0"`, as Binance
/// sends them.
struct DerivedBarGenerator: Sendable {
    let interval: Interval
    let prices: DerivedPrices
    private let barKey: UInt64
    /// Milliseconds per sample of field 8.
    private let sampleMillis: Int64

    /// The generator of `dataset` (not `.klines`) for `instrument` (for the index price, the pair's first
    /// instrument) at `interval`.
    init(seed: UInt64, instrument: SimulatedInstrument, interval: Interval, dataset: Dataset) {
        self.interval = interval
        prices = DerivedPrices(seed: seed, instrument: instrument, dataset: dataset)
        let keyName = dataset.keyedByPair ? instrument.pair : instrument.symbol
        barKey = Hashing.mix(
            Hashing.mix(seed, Hashing.fnv(keyName + "/" + dataset.endpoint)), Hashing.fnv(interval.name))
        sampleMillis = dataset == .premiumIndex ? 5000 : 1000
    }

    /// The bar opening at `openTime`; when `now` falls inside it, the still-open bar as of `now`.
    func values(openTime: Int64, now: Int64) -> DerivedBarValues {
        let nextOpen = interval.next(openTime)
        let isOpen = now < nextOpen
        let end = isOpen ? max(openTime, now) : nextOpen
        let h = Hashing.mix(barKey, openTime)
        let open = prices.units(at: openTime)
        let close = prices.units(at: end)
        let minutes = Double(max(end - openTime, 1)) / 60_000
        let up = Hashing.unit(Hashing.mix(h, 1 as UInt64))
        let down = Hashing.unit(Hashing.mix(h, 2 as UInt64))
        let high: Int64
        let low: Int64
        if prices.path == nil {
            // Premium: wicks of up to 0.00005 × √minutes, capped at 0.0002.
            let reach = min(0.000_05 * minutes.squareRoot(), 0.000_2) * 1e8
            high = max(open, close) + Int64((up * up * reach).rounded())
            low = min(open, close) - Int64((down * down * reach).rounded())
        } else {
            let wick = 0.3 * (prices.path?.wickScale(minutes: minutes) ?? 0)
            high = max(max(open, close), Int64((Double(max(open, close)) * exp(up * up * wick)).rounded(.up)))
            low = max(1, min(min(open, close), Int64((Double(min(open, close)) * exp(-down * down * wick)).rounded())))
        }
        let samples = isOpen ? max(1, (end - openTime) / sampleMillis) : (nextOpen - openTime) / sampleMillis
        return DerivedBarValues(
            openTime: openTime, closeTime: nextOpen - 1, open: open, high: high, low: low, close: close,
            samples: samples)
    }

    /// The bar as klinesync's core models it, with the decimal strings the simulator sends.
    func bar(_ v: DerivedBarValues) -> Bar {
        func text(_ units: Int64) -> String {
            var w = ByteWriter(capacity: 24)
            w.signedTicks(units, precision: DerivedPrices.decimals)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        return Bar(
            openTime: v.openTime, open: text(v.open), high: text(v.high), low: text(v.low), close: text(v.close),
            volume: "0", closeTime: v.closeTime, quoteVolume: "0", trades: v.samples, takerBuyBaseVolume: "0",
            takerBuyQuoteVolume: "0")
    }
}
