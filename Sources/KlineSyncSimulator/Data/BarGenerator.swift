import Foundation
import KlineSyncCore

/// The numbers of one bar before formatting: prices in ticks, volumes in their natural units.
struct BarValues: Sendable {
    var openTime: Int64
    var closeTime: Int64
    var open: Int64
    var high: Int64
    var low: Int64
    var close: Int64
    /// Field 5: base volume (COIN-M: contracts).
    var volume: Double
    /// Field 7: quote volume (COIN-M: base volume).
    var quoteVolume: Double
    var trades: Int64
    var takerBase: Double
    var takerQuote: Double
}

/// How a market writes a row's decimals.
struct BarFormat: Sendable {
    /// Decimals of the instrument's tick.
    var pricePrecision: Int
    /// Decimals written for prices (spot pads to 8).
    var priceDecimals: Int
    var volumeDecimals: Int
    var quoteDecimals: Int

    init(market: Market, instrument: SimulatedInstrument) {
        pricePrecision = instrument.pricePrecision
        switch market {
        case .spot:
            priceDecimals = 8
            volumeDecimals = 8
            quoteDecimals = 8
        case .usdm:
            priceDecimals = instrument.pricePrecision
            volumeDecimals = instrument.quantityPrecision
            quoteDecimals = 5
        case .coinm:
            priceDecimals = instrument.pricePrecision
            volumeDecimals = 0
            quoteDecimals = 8
        }
    }
}

/// Computes any bar of one series in O(1) from (seed, symbol, interval, open time), and the still-open bar
/// from the current time.
struct BarGenerator: Sendable {
    let instrument: SimulatedInstrument
    let market: Market
    let interval: Interval
    let path: PricePath
    let format: BarFormat
    private let barKey: UInt64
    private let tickSize: Double
    /// The smallest volume step of field 5.
    private let lot: Double

    init(seed: UInt64, market: Market, instrument: SimulatedInstrument, interval: Interval) {
        self.instrument = instrument
        self.market = market
        self.interval = interval
        path = PricePath(seed: seed, symbol: instrument.symbol, basePrice: instrument.basePrice)
        format = BarFormat(market: market, instrument: instrument)
        barKey = Hashing.mix(path.key, Hashing.fnv(interval.name))
        var tick = 1.0
        for _ in 0..<instrument.pricePrecision { tick /= 10 }
        tickSize = tick
        lot = 1 / pow(10, Double(format.volumeDecimals))
    }

    /// The bar opening at `openTime`; when `now` falls inside it, the still-open bar as of `now`.
    func values(openTime: Int64, now: Int64) -> BarValues {
        var cache = PriceCache()
        return values(openTime: openTime, now: now, cache: &cache)
    }

    /// Remembers the last price computed, so that consecutive bars share their boundary (close = next open).
    struct PriceCache {
        var time: Int64 = .min
        var price = 0.0
    }

    @inline(__always)
    private func price(at time: Int64, _ cache: inout PriceCache) -> Double {
        if cache.time == time { return cache.price }
        cache.time = time
        cache.price = path.price(at: time)
        return cache.price
    }

    /// ``values(openTime:now:)`` for consecutive bars, sharing price computations through `cache`.
    func values(openTime: Int64, now: Int64, cache: inout PriceCache) -> BarValues {
        let nextOpen = interval.next(openTime)
        let isOpen = now < nextOpen  // close time (next open − 1) not yet before now
        let end = isOpen ? max(openTime, now) : nextOpen
        let h = Hashing.mix(barKey, openTime)
        let openPrice = price(at: openTime, &cache)
        let closePrice = price(at: end, &cache)
        let minutes = Double(max(end - openTime, 1)) / 60_000

        let wick = path.wickScale(minutes: minutes)
        let up = Hashing.unit(Hashing.mix(h, 1 as UInt64))
        let down = Hashing.unit(Hashing.mix(h, 2 as UInt64))
        let open = ticks(openPrice)
        let close = ticks(closePrice)
        let high = max(
            max(open, close), Int64((max(openPrice, closePrice) * exp(up * up * wick) / tickSize).rounded(.up)))
        let low = max(
            1,
            min(
                min(open, close),
                Int64((min(openPrice, closePrice) * exp(-down * down * wick) / tickSize).rounded(.down))))

        let move = abs(closePrice - openPrice) / openPrice
        let activity = exp(0.6 * Hashing.signed(Hashing.mix(h, 3 as UInt64))) * (1 + 25 * move)
        let notional = instrument.quotePerMinute * minutes * activity
        let vwap = (Double(open + close) + 1.5 * Double(high + low)) / 5 * tickSize
        let takerShare = 0.3 + 0.4 * Hashing.unit(Hashing.mix(h, 4 as UInt64))

        var bar = BarValues(
            openTime: openTime, closeTime: nextOpen - 1, open: open, high: high, low: low, close: close, volume: 0,
            quoteVolume: 0, trades: 0, takerBase: 0, takerQuote: 0)
        if market == .coinm, let size = instrument.contractSize {
            let contracts = max(1, (notional / Double(size)).rounded(.down))
            let takerContracts = (contracts * takerShare).rounded(.down)
            bar.volume = contracts
            bar.quoteVolume = contracts * Double(size) / vwap
            bar.takerBase = takerContracts
            bar.takerQuote = takerContracts * Double(size) / vwap
        } else {
            let volume = max(lot, notional / vwap)
            bar.volume = volume
            bar.quoteVolume = volume * vwap
            bar.takerBase = volume * takerShare
            bar.takerQuote = volume * vwap * takerShare
        }
        let tradesPerMinute = instrument.quotePerMinute / 1500
        bar.trades = max(1, Int64(tradesPerMinute * minutes * activity))
        return bar
    }

    @inline(__always)
    private func ticks(_ price: Double) -> Int64 { max(1, Int64((price / tickSize).rounded())) }

    /// The bar as klinesync's core models it, with the decimal strings the simulator sends.
    func bar(_ v: BarValues) -> Bar {
        var w = ByteWriter(capacity: 32)
        func text(_ body: (inout ByteWriter) -> Void) -> String {
            w.bytes.removeAll(keepingCapacity: true)
            body(&w)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        let f = format
        return Bar(
            openTime: v.openTime,
            open: text { $0.ticks(v.open, precision: f.pricePrecision, decimals: f.priceDecimals) },
            high: text { $0.ticks(v.high, precision: f.pricePrecision, decimals: f.priceDecimals) },
            low: text { $0.ticks(v.low, precision: f.pricePrecision, decimals: f.priceDecimals) },
            close: text { $0.ticks(v.close, precision: f.pricePrecision, decimals: f.priceDecimals) },
            volume: text { $0.decimal(v.volume, decimals: f.volumeDecimals) },
            closeTime: v.closeTime,
            quoteVolume: text { $0.decimal(v.quoteVolume, decimals: f.quoteDecimals) },
            trades: v.trades,
            takerBuyBaseVolume: text { $0.decimal(v.takerBase, decimals: f.volumeDecimals) },
            takerBuyQuoteVolume: text { $0.decimal(v.takerQuote, decimals: f.quoteDecimals) })
    }
}
