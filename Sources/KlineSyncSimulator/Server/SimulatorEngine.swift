import KlineSyncCore

/// The simulator without HTTP: configuration, universe, state, and the bodies of every endpoint.
final class SimulatorEngine: Sendable {
    let configuration: SimulatorConfiguration
    let universe: Universe
    let state: SimulatorState

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        state = SimulatorState(configuration: configuration)
        universe = Universe(
            market: configuration.market, kind: configuration.universe, seed: configuration.seed,
            count: configuration.symbolCount, now: state.now)
    }

    var market: Market { configuration.market }

    /// The bars the API serves for `symbol` at `interval` with open times in `range`, as of `now`; the still-open
    /// bar only when `includeOpen`.
    func bars(symbol: String, interval: Interval, range: TimeRange, now: Int64, includeOpen: Bool) -> [Bar] {
        guard let instrument = universe[symbol], !range.isEmpty else { return [] }
        let selection = KlineSelection(
            instrument: instrument, interval: interval, outages: configuration.outages, now: now)
        let generator = BarGenerator(
            seed: configuration.seed, market: market, instrument: instrument, interval: interval)
        var bars: [Bar] = []
        var start = range.start
        while true {
            let page = selection.forward(from: start, through: range.end - 1, limit: 10_000)
            var cache = BarGenerator.PriceCache()
            for openTime in page where includeOpen || interval.closeTime(ofBarOpeningAt: openTime) < now {
                bars.append(generator.bar(generator.values(openTime: openTime, now: now, cache: &cache)))
            }
            guard page.count == 10_000, let last = page.last else { break }
            start = interval.next(last)
        }
        return bars
    }

    /// The JSON body of a klines answer and its row count.
    func klinesBody(_ query: KlineQuery, now: Int64, malformed: Fault.MalformedRow?) -> (bytes: [UInt8], rows: Int) {
        let selection = KlineSelection(
            instrument: query.instrument, interval: query.interval, outages: configuration.outages, now: now)
        let openTimes = query.openTimes(market: market, selection: selection, now: now)
        let generator = BarGenerator(
            seed: configuration.seed, market: market, instrument: query.instrument, interval: query.interval)
        let f = generator.format
        var w = ByteWriter(capacity: 40 + openTimes.count * 190)
        w.byte(UInt8(ascii: "["))
        let brokenRow = malformed == nil ? -1 : openTimes.count / 2
        var cache = BarGenerator.PriceCache()
        for (i, openTime) in openTimes.enumerated() {
            let v = generator.values(openTime: openTime, now: now, cache: &cache)
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.byte(UInt8(ascii: "["))
            w.integer(v.openTime)
            if i == brokenRow && malformed == .nonNumericPrice {
                w.raw(",\"N/A\"")
            } else {
                price(&w, v.open, f)
            }
            price(&w, v.high, f)
            price(&w, v.low, f)
            price(&w, v.close, f)
            quantity(&w, v.volume, f.volumeDecimals)
            w.byte(UInt8(ascii: ","))
            w.integer(v.closeTime)
            quantity(&w, v.quoteVolume, f.quoteDecimals)
            w.byte(UInt8(ascii: ","))
            w.integer(v.trades)
            quantity(&w, v.takerBase, f.volumeDecimals)
            quantity(&w, v.takerQuote, f.quoteDecimals)
            if !(i == brokenRow && malformed == .missingField) { w.raw(",\"0\"") }
            w.byte(UInt8(ascii: "]"))
        }
        w.byte(UInt8(ascii: "]"))
        return (w.bytes, openTimes.count)
    }

    @inline(__always)
    private func price(_ w: inout ByteWriter, _ ticks: Int64, _ f: BarFormat) {
        w.raw(",\"")
        w.ticks(ticks, precision: f.pricePrecision, decimals: f.priceDecimals)
        w.byte(34)
    }

    @inline(__always)
    private func quantity(_ w: inout ByteWriter, _ value: Double, _ decimals: Int) {
        w.raw(",\"")
        w.decimal(value, decimals: decimals)
        w.byte(34)
    }

    /// `{"serverTime":…}`.
    func timeBody(now: Int64) -> [UInt8] {
        var w = ByteWriter(capacity: 32)
        w.raw("{\"serverTime\":")
        w.integer(now)
        w.byte(UInt8(ascii: "}"))
        return w.bytes
    }
}
