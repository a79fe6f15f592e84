import KlineSyncCore

/// The simulated instrument list: long-listed majors, generated names, recent listings, delistings and
/// (on futures) quarterly contracts; or, for ``UniverseKind/established``, only old trading USDT pairs or
/// perpetuals. A pure function of (market, kind, seed, count, now).
///
/// Recent listings and delistings sit a few days to months before `now`, on times derived from `now`'s UTC day,
/// so the universe is stable within a day on a real clock and exactly reproducible on a fixed one.
public struct Universe: Sendable {
    /// The instruments, in exchangeInfo order.
    public let instruments: [SimulatedInstrument]
    /// The perpetual whose funding interval changes (futures only; see ``FundingIntervalChange``).
    public let fundingIntervalChange: FundingIntervalChange?
    private let bySymbol: [String: Int]
    /// The first instrument of each futures pair, in exchangeInfo order (the perpetual, where the universe has it).
    private let byPair: [String: Int]

    /// The far-future `deliveryDate` Binance shows on perpetuals that are not being delisted.
    public static let perpetualDeliveryPlaceholder: Int64 = 4_133_404_800_000

    static let day: Int64 = 86_400_000

    /// The majors first (name, typical USD price), then generated names.
    static let majors: [(String, Double)] = [
        ("BTC", 30_000), ("ETH", 2000), ("BNB", 300), ("SOL", 100), ("XRP", 0.5), ("ADA", 0.4), ("DOGE", 0.08),
        ("LTC", 80), ("LINK", 10), ("DOT", 6), ("AVAX", 20), ("TRX", 0.1), ("ATOM", 9), ("UNI", 6), ("FIL", 5),
        ("NEAR", 3), ("APT", 8), ("ARB", 1.1), ("OP", 2), ("INJ", 25),
    ]

    init(market: Market, kind: UniverseKind = .varied, seed: UInt64, count: Int, now: Int64) {
        var builder = UniverseBuilder(market: market, kind: kind, seed: seed, now: now)
        var k = 0
        while builder.instruments.count < count {
            builder.addBase(index: k)
            k += 1
        }
        instruments = Array(builder.instruments.prefix(max(0, count)))
        bySymbol = Dictionary(instruments.enumerated().map { ($1.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        byPair =
            market.isFutures
            ? Dictionary(instruments.enumerated().map { ($1.pair, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
        fundingIntervalChange = market.isFutures ? FundingIntervalChange.of(instruments) : nil
    }

    /// The instrument standing for futures pair `pair` (such as `BTCUSDT`, COIN-M `BTCUSD`): the pair's first
    /// instrument in exchangeInfo order, normally its perpetual. Index-price klines follow its price and its
    /// trading range (listing, delisting, outages). Nil on spot and for unknown pairs.
    public func instrument(pair: String) -> SimulatedInstrument? {
        byPair[pair].map { instruments[$0] }
    }

    /// The instrument a request for `dataset` names with `key`: the pair's for index prices, else the symbol's.
    func instrument(_ key: String, dataset: Dataset) -> SimulatedInstrument? {
        dataset.keyedByPair ? instrument(pair: key) : self[key]
    }

    /// The instrument named `symbol`, or nil.
    public subscript(symbol: String) -> SimulatedInstrument? {
        bySymbol[symbol].map { instruments[$0] }
    }

    /// Delivery time (08:00 UTC on the last Friday of March, June, September or December) of the first
    /// quarterly contract delivering after `now`, and of the one after it.
    static func quarterlyDeliveries(after now: Int64) -> (current: Int64, next: Int64) {
        let date = CivilDate(millis: now)
        var found: [Int64] = []
        var year = date.year
        var month = ((date.month - 1) / 3 + 1) * 3
        while found.count < 2 {
            let delivery = lastFriday(year: year, month: month) + 8 * 3_600_000
            if delivery > now { found.append(delivery) }
            month += 3
            if month > 12 {
                month = 3
                year += 1
            }
        }
        return (found[0], found[1])
    }

    /// Midnight UTC of the last Friday of a month.
    static func lastFriday(year: Int, month: Int) -> Int64 {
        let last = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year)).millis
        let days = last / day
        let weekday = (days + 3) % 7  // Monday = 0; 1970-01-01 was a Thursday.
        let back = (weekday - 4 + 7) % 7
        return last - back * day
    }

    /// `260327` for 2026-03-27.
    static func deliverySuffix(_ millis: Int64) -> String {
        let d = CivilDate(millis: millis)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return two(d.year % 100) + two(d.month) + two(d.day)
    }
}
