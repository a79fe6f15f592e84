import KlineSyncCore

/// Builds the universe one base asset at a time; see ``Universe``.
struct UniverseBuilder {
    let market: Market
    let kind: UniverseKind
    let seed: UInt64
    let now: Int64
    let today: Int64
    var instruments: [SimulatedInstrument] = []
    /// Counts instruments whose listing kind rotates (not the majors, not quarterlies).
    private var ordinal = 0

    private static let day = Universe.day
    private static let hour: Int64 = 3_600_000

    init(market: Market, kind: UniverseKind = .varied, seed: UInt64, now: Int64) {
        self.market = market
        self.kind = kind
        self.seed = seed
        self.now = now
        today = now - ((now % Self.day) + Self.day) % Self.day
    }

    /// First trades of the three oldest majors per market (the real first bars, roughly).
    private func majorListing(_ k: Int) -> Int64 {
        let dates: [[String]] = [
            ["2017-08-17T04:00:00Z", "2017-08-17T04:00:00Z", "2017-11-06T03:00:00Z"],
            ["2019-09-08T17:57:00Z", "2019-11-27T07:00:00Z", "2020-02-10T08:00:00Z"],
            ["2020-08-10T08:00:00Z", "2020-08-14T08:00:00Z", "2020-10-16T08:00:00Z"],
        ]
        let row = market == .spot ? 0 : market == .usdm ? 1 : 2
        return Timestamp.parse(dates[row][k])!
    }

    mutating func addBase(index k: Int) {
        let (base, usdPrice) = baseAsset(k)
        if kind == .established {
            add(base: base, quote: market == .coinm ? "USD" : "USDT", price: usdPrice, k: k)
            return
        }
        switch market {
        case .spot:
            add(base: base, quote: "USDT", price: usdPrice, k: k)
            if k % 3 == 0 { add(base: base, quote: "USDC", price: usdPrice, k: k) }
            if k % 4 == 1 && base != "BTC" { add(base: base, quote: "BTC", price: usdPrice / 30_000, k: k) }
        case .usdm:
            add(base: base, quote: "USDT", price: usdPrice, k: k)
            if k < 2 { addQuarterlies(base: base, quote: "USDT", price: usdPrice) }
            if k % 4 == 0 { add(base: base, quote: "USDC", price: usdPrice, k: k) }
        case .coinm:
            add(base: base, quote: "USD", price: usdPrice, k: k)
            if k < 2 { addQuarterlies(base: base, quote: "USD", price: usdPrice) }
        }
    }

    private func baseAsset(_ k: Int) -> (String, Double) {
        if k < Universe.majors.count { return Universe.majors[k] }
        let n = k - Universe.majors.count + 1
        let digits = n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)"
        let u = Hashing.unit(Hashing.mix(seed, Int64(n)))
        var price = 1.0
        let exponent = Int((u * 5).rounded(.down)) - 3  // 0.001 … 10
        for _ in 0..<abs(exponent) { price = exponent < 0 ? price / 10 : price * 10 }
        return ("SIM" + digits, price * (1 + 9 * Hashing.unit(Hashing.mix(seed, Int64(n + 1000)))))
    }

    private mutating func add(base: String, quote: String, price: Double, k: Int) {
        let symbol = market == .coinm ? base + quote + "_PERP" : base + quote
        let h = Hashing.mix(seed, Hashing.fnv(symbol))
        var listing: Int64
        var delisting: Int64?
        if kind == .established {
            listing = establishedListing(k, hash: h)
        } else if k < 3 {
            listing = majorListing(k) + (quote == "USDC" ? 900 * Self.day : 0)
        } else {
            let listingKind = ordinal % 5
            ordinal += 1
            let spread = Hashing.unit(Hashing.mix(h, 1 as UInt64))
            switch listingKind {
            case 1:  // listed in the last days
                listing = today - Int64(1 + Int(spread * 9)) * Self.day + Int64(Int(spread * 1000) % 24) * Self.hour
            case 3:  // delisted
                listing = Timestamp.parse("2020-06-01")! + Int64(spread * 600) * Self.day + 8 * Self.hour
                delisting = today - Int64(20 + Int(spread * 280)) * Self.day + 3 * Self.hour
            default:
                let first = Timestamp.parse("2020-01-01")!
                let days = max(1, (today - 60 * Self.day - first) / Self.day)
                listing = first + Int64(spread * Double(days)) * Self.day + Int64(Int(spread * 7919) % 24) * Self.hour
            }
        }
        listing = min(listing, now - Self.hour)
        let status = delisting == nil ? "TRADING" : (market == .spot ? "BREAK" : "SETTLING")
        instruments.append(
            instrument(
                symbol: symbol, pair: market == .spot ? symbol : base + quote, base: base, quote: quote, price: price,
                contractType: market == .spot ? nil : "PERPETUAL", status: status, listing: listing,
                delisting: delisting, delivery: delisting ?? Universe.perpetualDeliveryPlaceholder))
    }

    /// An established instrument's listing: the real date for the oldest majors, otherwise (or when the clock is so
    /// early that the real date is too recent) up to about a year and a half before the minimum age.
    private func establishedListing(_ k: Int, hash h: UInt64) -> Int64 {
        let latest = today - UniverseKind.establishedMinimumAgeDays * Self.day
        let spread = Hashing.unit(Hashing.mix(h, 1 as UInt64))
        let generated = latest - Int64(spread * 540) * Self.day + Int64(Int(spread * 7919) % 24) * Self.hour
        return k < 3 ? min(majorListing(k), generated) : generated
    }

    private mutating func addQuarterlies(base: String, quote: String, price: Double) {
        let (current, next) = Universe.quarterlyDeliveries(after: now)
        for (type, delivery) in [("CURRENT_QUARTER", current), ("NEXT_QUARTER", next)] {
            let listing = min(
                Universe.lastFriday(
                    year: CivilDate(millis: delivery - 182 * Self.day).year,
                    month: CivilDate(millis: delivery - 182 * Self.day).month) + 8 * Self.hour, now - Self.hour)
            instruments.append(
                instrument(
                    symbol: base + quote + "_" + Universe.deliverySuffix(delivery), pair: base + quote, base: base,
                    quote: quote, price: price, contractType: type, status: "TRADING", listing: listing,
                    delisting: nil, delivery: delivery))
        }
    }

    private func instrument(
        symbol: String, pair: String, base: String, quote: String, price: Double, contractType: String?,
        status: String, listing: Int64, delisting: Int64?, delivery: Int64
    ) -> SimulatedInstrument {
        let pricePrecision: Int
        switch price {
        case 100...: pricePrecision = 2
        case 10..<100: pricePrecision = 3
        case 1..<10: pricePrecision = 4
        case 0.1..<1: pricePrecision = 5
        case 0.01..<0.1: pricePrecision = 6
        default: pricePrecision = market == .spot ? 8 : 7
        }
        let usd = quote == "BTC" ? price * 30_000 : price
        let quantityPrecision = usd >= 1000 ? 3 : usd >= 10 ? 2 : usd >= 1 ? 1 : 0
        let activity = Hashing.unit(Hashing.mix(seed, Hashing.fnv(symbol) ^ 0xA11CE))
        var quotePerMinute = (base == "BTC" ? 2_000_000 : base == "ETH" ? 800_000 : 5000 + activity * 150_000)
        if quote == "BTC" { quotePerMinute /= 30_000 }
        return SimulatedInstrument(
            symbol: symbol, pair: pair, baseAsset: base, quoteAsset: quote,
            marginAsset: market == .spot ? nil : (market == .coinm ? base : quote), contractType: contractType,
            status: status, listingTime: listing, delistingTime: delisting,
            onboardDate: listing - ((listing % Self.day) + Self.day) % Self.day, deliveryDate: delivery,
            pricePrecision: pricePrecision, quantityPrecision: quantityPrecision,
            contractSize: market == .coinm ? (base == "BTC" ? 100 : 10) : nil, basePrice: price,
            quotePerMinute: quotePerMinute)
    }
}
