import KlineSyncCore

extension SimulatorEngine {
    /// The generator of `dataset` (not `.klines`) for `instrument` at `interval`.
    func derivedGenerator(_ instrument: SimulatedInstrument, _ interval: Interval, _ dataset: Dataset)
        -> DerivedBarGenerator
    {
        DerivedBarGenerator(seed: configuration.seed, instrument: instrument, interval: interval, dataset: dataset)
    }

    /// The funding schedule of `instrument`.
    func fundingSchedule(_ instrument: SimulatedInstrument) -> FundingSchedule {
        FundingSchedule(seed: configuration.seed, instrument: instrument, change: universe.fundingIntervalChange)
    }

    /// The bars of `dataset` for `key` (a symbol, or for index prices a pair) at `interval` opening in `range`, as
    /// of `now`; the still-open bar only when `includeOpen`.
    func bars(
        dataset: Dataset, key: String, interval: Interval, range: TimeRange, now: Int64, includeOpen: Bool
    ) -> [Bar] {
        guard dataset != .klines else {
            return bars(symbol: key, interval: interval, range: range, now: now, includeOpen: includeOpen)
        }
        guard market.isFutures, let instrument = universe.instrument(key, dataset: dataset), !range.isEmpty else {
            return []
        }
        let selection = KlineSelection(
            instrument: instrument, interval: interval, outages: configuration.outages, now: now)
        let generator = derivedGenerator(instrument, interval, dataset)
        return selection.forward(from: range.start, through: range.end - 1, limit: .max)
            .filter { includeOpen || interval.closeTime(ofBarOpeningAt: $0) < now }
            .map { generator.bar(generator.values(openTime: $0, now: now)) }
    }

    /// The JSON body of a mark-price, index-price or premium-index answer and its row count.
    func derivedKlinesBody(_ query: KlineQuery, now: Int64, malformed: Fault.MalformedRow?) -> (
        bytes: [UInt8], rows: Int
    ) {
        let selection = KlineSelection(
            instrument: query.instrument, interval: query.interval, outages: configuration.outages, now: now)
        let openTimes = query.openTimes(market: market, selection: selection, now: now)
        let generator = derivedGenerator(query.instrument, query.interval, query.dataset)
        var w = ByteWriter(capacity: 40 + openTimes.count * 150)
        w.byte(UInt8(ascii: "["))
        let brokenRow = malformed == nil ? -1 : openTimes.count / 2
        for (i, openTime) in openTimes.enumerated() {
            let v = generator.values(openTime: openTime, now: now)
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.byte(UInt8(ascii: "["))
            w.integer(v.openTime)
            if i == brokenRow && malformed == .nonNumericPrice {
                w.raw(",\"N/A\"")
            } else {
                Self.units(&w, v.open)
            }
            Self.units(&w, v.high)
            Self.units(&w, v.low)
            Self.units(&w, v.close)
            w.raw(",\"0\",")
            w.integer(v.closeTime)
            w.raw(",\"0\",")
            w.integer(v.samples)
            w.raw(",\"0\",\"0\"")
            if !(i == brokenRow && malformed == .missingField) { w.raw(",\"0\"") }
            w.byte(UInt8(ascii: "]"))
        }
        w.byte(UInt8(ascii: "]"))
        return (w.bytes, openTimes.count)
    }

    private static func units(_ w: inout ByteWriter, _ units: Int64) {
        w.raw(",\"")
        w.signedTicks(units, precision: DerivedPrices.decimals)
        w.byte(34)
    }

    /// The JSON body of a `fundingRate` answer and its row count.
    func fundingBody(_ query: FundingQuery, now: Int64) -> (bytes: [UInt8], rows: Int) {
        let events = query.events(fundingSchedule(query.instrument), now: now)
        var w = ByteWriter(capacity: 8 + events.count * 110)
        w.byte(UInt8(ascii: "["))
        for (i, event) in events.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.raw("{\"symbol\":")
            w.string(query.instrument.symbol)
            w.raw(",\"fundingTime\":")
            w.integer(event.time)
            w.raw(",\"fundingRate\":\"")
            w.signedTicks(event.rate, precision: DerivedPrices.decimals)
            w.raw("\",\"markPrice\":\"")
            w.signedTicks(event.markPrice, precision: DerivedPrices.decimals)
            w.raw("\"}")
        }
        w.byte(UInt8(ascii: "]"))
        return (w.bytes, events.count)
    }

    /// The JSON body of `fundingInfo`: the trading perpetuals whose interval in force at `now` is not 8 hours.
    func fundingInfoBody(now: Int64) -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.byte(UInt8(ascii: "["))
        var first = true
        for instrument in universe.instruments where !instrument.isDelisted {
            let schedule = fundingSchedule(instrument)
            guard schedule.isPerpetual, schedule.hours(at: now) != 8 else { continue }
            if !first { w.byte(UInt8(ascii: ",")) }
            first = false
            w.raw("{\"symbol\":")
            w.string(instrument.symbol)
            w.raw(",\"adjustedFundingRateCap\":\"0.02000000\",\"adjustedFundingRateFloor\":\"-0.02000000\",")
            w.raw("\"fundingIntervalHours\":")
            w.integer(Int64(schedule.hours(at: now)))
            w.raw(",\"disclaimer\":false}")
        }
        w.byte(UInt8(ascii: "]"))
        return w.bytes
    }

    /// The funding events of `symbol` with times in `range` that happened by `now`, as klinesync's core models them.
    func fundingRates(symbol: String, range: TimeRange, now: Int64) -> [FundingRate] {
        guard market.isFutures, let instrument = universe[symbol], !range.isEmpty else { return [] }
        return fundingSchedule(instrument).forward(from: range.start, through: range.end - 1, limit: .max, now: now)
            .map(Self.fundingRate)
    }

    /// An event as klinesync's core models it, with the decimal strings the simulator sends.
    static func fundingRate(_ event: FundingEvent) -> FundingRate {
        func text(_ units: Int64) -> String {
            var w = ByteWriter(capacity: 24)
            w.signedTicks(units, precision: DerivedPrices.decimals)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        return FundingRate(fundingTime: event.time, rate: text(event.rate), markPrice: text(event.markPrice))
    }
}
