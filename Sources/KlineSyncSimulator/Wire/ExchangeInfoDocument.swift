import KlineSyncCore

/// The exchangeInfo body of each market, shaped like Binance's recorded responses.
struct ExchangeInfoDocument {
    let market: Market
    let weightLimit: Int
    let instruments: [SimulatedInstrument]

    /// The whole document as of `now`.
    func json(now: Int64) -> JSONValue {
        var top: [(String, JSONValue)] = [("timezone", "UTC"), ("serverTime", .integer(now))]
        if market == .usdm { top.append(("futuresType", "U_MARGINED")) }
        top.append(("rateLimits", .array(rateLimits)))
        top.append(("exchangeFilters", []))
        if market == .usdm { top.append(("assets", .array(assets))) }
        top.append(("symbols", .array(instruments.map { market == .spot ? spotSymbol($0) : futuresSymbol($0) })))
        return .object(top)
    }

    private func limit(_ type: String, _ interval: String, _ num: Int, _ limit: Int) -> JSONValue {
        .object([
            ("rateLimitType", .string(type)), ("interval", .string(interval)), ("intervalNum", .int(num)),
            ("limit", .int(limit)),
        ])
    }

    private var rateLimits: [JSONValue] {
        switch market {
        case .spot:
            [
                limit("REQUEST_WEIGHT", "MINUTE", 1, weightLimit), limit("ORDERS", "SECOND", 10, 100),
                limit("ORDERS", "DAY", 1, 200_000), limit("RAW_REQUESTS", "MINUTE", 5, 61_000),
            ]
        case .usdm, .coinm:
            [
                limit("REQUEST_WEIGHT", "MINUTE", 1, weightLimit), limit("ORDERS", "MINUTE", 1, 1200),
                limit("ORDERS", "SECOND", 10, 300),
            ]
        }
    }

    private var assets: [JSONValue] {
        var seen: [String] = []
        for i in instruments where !seen.contains(i.quoteAsset) { seen.append(i.quoteAsset) }
        return seen.map {
            .object([("asset", .string($0)), ("marginAvailable", true), ("autoAssetExchange", "-10000")])
        }
    }

    /// `0.01` for 2 decimals, `1` for 0.
    static func step(_ decimals: Int) -> String {
        decimals == 0 ? "1" : "0." + String(repeating: "0", count: decimals - 1) + "1"
    }

    private func spotSymbol(_ i: SimulatedInstrument) -> JSONValue {
        let tick = Self.step(i.pricePrecision)
        let lot = Self.step(i.quantityPrecision)
        return .object([
            ("symbol", .string(i.symbol)), ("status", .string(i.status)), ("baseAsset", .string(i.baseAsset)),
            ("baseAssetPrecision", 8), ("quoteAsset", .string(i.quoteAsset)), ("quotePrecision", 8),
            ("quoteAssetPrecision", 8), ("baseCommissionPrecision", 8), ("quoteCommissionPrecision", 8),
            ("orderTypes", ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"]),
            ("icebergAllowed", true), ("ocoAllowed", true), ("otoAllowed", true), ("quoteOrderQtyMarketAllowed", true),
            ("allowTrailingStop", true), ("cancelReplaceAllowed", true), ("isSpotTradingAllowed", true),
            ("isMarginTradingAllowed", false),
            (
                "filters",
                [
                    .object([
                        ("filterType", "PRICE_FILTER"), ("minPrice", .string(tick)), ("maxPrice", "1000000.00000000"),
                        ("tickSize", .string(tick)),
                    ]),
                    .object([
                        ("filterType", "LOT_SIZE"), ("minQty", .string(lot)), ("maxQty", "9000000.00000000"),
                        ("stepSize", .string(lot)),
                    ]),
                ]
            ),
            ("permissions", []), ("permissionSets", [["SPOT"]]),
            ("defaultSelfTradePreventionMode", "EXPIRE_MAKER"),
            ("allowedSelfTradePreventionModes", ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"]),
        ])
    }

    private func futuresSymbol(_ i: SimulatedInstrument) -> JSONValue {
        let tick = Self.step(i.pricePrecision)
        let lot = market == .coinm ? "1" : Self.step(i.quantityPrecision)
        var members: [(String, JSONValue)] = [
            ("symbol", .string(i.symbol)), ("pair", .string(i.pair)), ("contractType", .string(i.contractType ?? "")),
            ("deliveryDate", .integer(i.deliveryDate)), ("onboardDate", .integer(i.onboardDate)),
        ]
        if market == .coinm {
            members += [("contractStatus", .string(i.status)), ("contractSize", .int(i.contractSize ?? 10))]
        } else {
            members.append(("status", .string(i.status)))
        }
        members += [
            ("maintMarginPercent", "2.5000"), ("requiredMarginPercent", "5.0000"), ("baseAsset", .string(i.baseAsset)),
            ("quoteAsset", .string(i.quoteAsset)), ("marginAsset", .string(i.marginAsset ?? i.quoteAsset)),
            ("pricePrecision", .int(i.pricePrecision)),
            ("quantityPrecision", .int(market == .coinm ? 0 : i.quantityPrecision)),
            ("baseAssetPrecision", 8), ("quotePrecision", 8), ("underlyingType", "COIN"), ("underlyingSubType", []),
            ("settlePlan", 0), ("triggerProtect", "0.0500"), ("liquidationFee", "0.012500"),
            ("marketTakeBound", "0.05"),
            (
                "filters",
                [
                    .object([
                        ("minPrice", .string(tick)), ("maxPrice", "1000000"), ("filterType", "PRICE_FILTER"),
                        ("tickSize", .string(tick)),
                    ]),
                    .object([
                        ("stepSize", .string(lot)), ("filterType", "LOT_SIZE"), ("maxQty", "100000"),
                        ("minQty", .string(lot)),
                    ]),
                ]
            ),
            (
                "orderTypes",
                [
                    "LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET",
                    "TRAILING_STOP_MARKET",
                ]
            ),
            ("timeInForce", ["GTC", "IOC", "FOK", "GTX"]),
        ]
        return .object(members)
    }
}
