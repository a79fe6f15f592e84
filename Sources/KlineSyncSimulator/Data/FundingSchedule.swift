import KlineSyncCore

/// One funding event of a simulated perpetual, before formatting.
struct FundingEvent: Sendable, Hashable {
    /// Funding time (ms): a whole hour of the interval's grid plus ``FundingSchedule/jitter(_:)``.
    var time: Int64
    /// The funding interval in force (hours).
    var hours: Int
    /// The rate in units of 10⁻⁸.
    var rate: Int64
    /// The mark price at the funding time, in units of 10⁻⁸.
    var markPrice: Int64
}

/// When a simulated perpetual pays funding, and what: a pure function of (seed, instrument, change).
///
/// - Interval: 8 hours for most symbols; 4 hours for generated symbols (`SIM…`) whose hash picks it (about one in
///   four); and for ``FundingIntervalChange/symbol``, 8 hours before the change and 4 hours from it. Grids are
///   aligned to UTC midnight (00:00, 08:00, 16:00 or every 4 hours).
/// - Times: the first grid time after the listing, then every interval, before the delisting and not after now.
///   About one event in three is a few milliseconds late (1–9 ms, from a hash of the grid time), as Binance's
///   funding times sometimes are; the rest are exactly on the hour.
/// - Rate: Binance's formula on the premium index `P` at the grid time: `P + clamp(I − P, ±0.05 %)` with the
///   interest `I = 0.01 % × hours / 8`, so most rates are exactly the interest (`0.00010000` on 8 hours).
/// - Mark price: the mark-price signal at the grid time. Delivery contracts have no funding.
struct FundingSchedule: Sendable {
    static let hour: Int64 = 3_600_000

    let instrument: SimulatedInstrument
    let change: FundingIntervalChange?
    private let baseHours: Int
    private let mark: DerivedPrices
    private let premium: DerivedPrices
    private let key: UInt64

    /// The schedule of `instrument` (empty unless a perpetual) in a universe whose change is `change`.
    init(seed: UInt64, instrument: SimulatedInstrument, change: FundingIntervalChange?) {
        self.instrument = instrument
        self.change = change?.symbol == instrument.symbol ? change : nil
        key = Hashing.mix(seed, Hashing.fnv(instrument.symbol + "/funding"))
        let generated = instrument.baseAsset.hasPrefix("SIM")
        baseHours = generated && Hashing.mix(key, 4 as UInt64) % 4 == 0 ? 4 : 8
        mark = DerivedPrices(seed: seed, instrument: instrument, dataset: .markPrice)
        premium = DerivedPrices(seed: seed, instrument: instrument, dataset: .premiumIndex)
    }

    /// Whether the instrument pays funding at all.
    var isPerpetual: Bool { instrument.contractType == "PERPETUAL" }

    /// The funding interval (hours) in force at `t`.
    func hours(at t: Int64) -> Int {
        if let change { return t < change.at ? change.fromHours : change.toHours }
        return baseHours
    }

    /// The last grid time at or before `t`.
    private func floorGrid(_ t: Int64) -> Int64 {
        let step = Int64(hours(at: t)) * Self.hour
        return t - ((t % step) + step) % step
    }

    private func next(_ g: Int64) -> Int64 { g + Int64(hours(at: g)) * Self.hour }

    private func previous(_ g: Int64) -> Int64 { g - Int64(hours(at: g - 1)) * Self.hour }

    /// The first grid time after the listing.
    private var firstGrid: Int64 { next(floorGrid(instrument.listingTime)) }

    /// The milliseconds a funding on grid time `g` is late: 1–9 for about a third of them, else 0.
    func jitter(_ g: Int64) -> Int64 {
        let h = Hashing.mix(key, g)
        return h % 3 == 0 ? Int64((h >> 8) % 9) + 1 : 0
    }

    /// Whether the funding on grid time `g` happened by `now`.
    private func happened(_ g: Int64, now: Int64) -> Bool {
        g >= firstGrid && g < (instrument.delistingTime ?? .max) && g + jitter(g) <= now
    }

    /// The event on grid time `g`.
    func event(_ g: Int64) -> FundingEvent {
        let hours = hours(at: g)
        let p = premium.value(at: g)
        let interest = 0.000_1 * Double(hours) / 8
        let rate = p + min(max(interest - p, -0.000_5), 0.000_5)
        return FundingEvent(
            time: g + jitter(g), hours: hours, rate: DerivedPrices.units(rate), markPrice: mark.units(at: g))
    }

    /// Up to `limit` events with times in `[start, end]` that happened by `now`, oldest first.
    func forward(from start: Int64, through end: Int64, limit: Int, now: Int64) -> [FundingEvent] {
        guard isPerpetual, limit > 0 else { return [] }
        var events: [FundingEvent] = []
        var g = max(firstGrid, floorGrid(start))
        let last = min(end, now, (instrument.delistingTime ?? .max) - 1)
        while g <= last && events.count < limit {
            let time = g + jitter(g)
            if time >= start && time <= end && happened(g, now: now) { events.append(event(g)) }
            g = next(g)
        }
        return events
    }

    /// The newest `limit` events with times at or before `end` that happened by `now`, oldest first.
    func backward(through end: Int64, limit: Int, now: Int64) -> [FundingEvent] {
        guard isPerpetual, limit > 0 else { return [] }
        var events: [FundingEvent] = []
        let last = min(end, now)
        var g = floorGrid(min(last, (instrument.delistingTime ?? .max) - 1))
        let first = firstGrid
        while g >= first && events.count < limit {
            if g + jitter(g) <= last && happened(g, now: now) { events.append(event(g)) }
            g = previous(g)
        }
        return events.reversed()
    }
}
