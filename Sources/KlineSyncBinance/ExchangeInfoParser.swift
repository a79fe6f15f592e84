import Foundation
import KlineSyncCore
import Logging

/// Decodes an exchangeInfo body of any of the three markets leniently and normalises it to `ExchangeInfo`.
///
/// Unknown keys, unknown status and contract-type names, and fields of an unexpected type never fail the whole
/// document: a field that cannot be read is treated as absent, and a symbol entry whose name is missing or unsafe
/// (see `Instrument.isValidSymbol`) is skipped and logged.
public enum ExchangeInfoParser {
    /// Parses `body`; throws only when it is not a JSON object with a `symbols` array.
    public static func parse(_ body: Data, market: Market, logger: Logger? = nil) throws -> ExchangeInfo {
        let document = try JSONDecoder().decode(Document.self, from: body)
        var instruments: [Instrument] = []
        instruments.reserveCapacity(document.symbols.count)
        for entry in document.symbols {
            guard let symbol = entry.symbol, Instrument.isValidSymbol(symbol) else {
                logger?.warning(
                    "skipping exchangeInfo entry with an invalid symbol name",
                    metadata: [
                        "symbol": "\(entry.symbol ?? "(missing)")", "market": "\(market.rawValue)",
                    ])
                continue
            }
            let rawStatus = entry.contractStatus ?? entry.status ?? ""
            instruments.append(
                Instrument(
                    symbol: symbol, status: status(rawStatus), rawStatus: rawStatus,
                    contractType: market.isFutures ? entry.contractType : nil, baseAsset: entry.baseAsset ?? "",
                    quoteAsset: entry.quoteAsset ?? "", marginAsset: entry.marginAsset, onboardDate: entry.onboardDate,
                    deliveryDate: entry.deliveryDate,
                    pair: market.isFutures ? entry.pair.flatMap { Instrument.isValidSymbol($0) ? $0 : nil } : nil))
        }
        return ExchangeInfo(
            instruments: instruments, weightLimitPerMinute: weightLimitPerMinute(document.rateLimits),
            serverTime: document.serverTime)
    }

    /// Normalises a Binance status word. Unknown words count as not trading: listed, but not to be relied on.
    ///
    /// Spot `BREAK` is also what long-delisted spot pairs show; without a better signal it stays `notTrading`.
    public static func status(_ raw: String) -> Instrument.Status {
        switch raw {
        case "TRADING": .trading
        case "DELIVERED", "SETTLING", "CLOSE", "CLOSED": .delisted
        default: .notTrading
        }
    }

    /// The smallest `REQUEST_WEIGHT` limit, converted to a per-minute figure.
    public static func weightLimitPerMinute(_ limits: [RateLimit]) -> Int? {
        var best: Int?
        for limit in limits where limit.rateLimitType == "REQUEST_WEIGHT" {
            guard let value = limit.limit, value > 0 else { continue }
            let count = Int64(max(1, limit.intervalNum ?? 1))
            let millis: Int64
            switch limit.interval {
            case "SECOND": millis = 1000 * count
            case "MINUTE", nil: millis = 60_000 * count
            case "HOUR": millis = 3_600_000 * count
            case "DAY": millis = 86_400_000 * count
            default: continue
            }
            let perMinute = Int(max(1, Int64(value) * 60_000 / millis))
            best = min(best ?? perMinute, perMinute)
        }
        return best
    }

    /// One `rateLimits` entry.
    public struct RateLimit: Decodable, Sendable {
        public var rateLimitType: String?
        public var interval: String?
        public var intervalNum: Int?
        public var limit: Int?

        public init(rateLimitType: String?, interval: String?, intervalNum: Int?, limit: Int?) {
            self.rateLimitType = rateLimitType
            self.interval = interval
            self.intervalNum = intervalNum
            self.limit = limit
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            rateLimitType = c.lenient(String.self, "rateLimitType")
            interval = c.lenient(String.self, "interval")
            intervalNum = c.lenient(Int.self, "intervalNum")
            limit = c.lenient(Int.self, "limit")
        }
    }

    struct Document: Decodable {
        var serverTime: Int64?
        var rateLimits: [RateLimit]
        var symbols: [SymbolEntry]

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            serverTime = c.lenient(Int64.self, "serverTime")
            rateLimits = c.lenient([Lenient<RateLimit>].self, "rateLimits")?.compactMap(\.value) ?? []
            symbols = try c.decode([Lenient<SymbolEntry>].self, forKey: Key("symbols")).compactMap(\.value)
        }
    }

    struct SymbolEntry: Decodable {
        var symbol, status, contractStatus, contractType, baseAsset, quoteAsset, marginAsset, pair: String?
        var onboardDate, deliveryDate: Int64?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            symbol = c.lenient(String.self, "symbol")
            status = c.lenient(String.self, "status")
            contractStatus = c.lenient(String.self, "contractStatus")
            contractType = c.lenient(String.self, "contractType")
            baseAsset = c.lenient(String.self, "baseAsset")
            quoteAsset = c.lenient(String.self, "quoteAsset")
            marginAsset = c.lenient(String.self, "marginAsset")
            pair = c.lenient(String.self, "pair")
            onboardDate = c.lenient(Int64.self, "onboardDate")
            deliveryDate = c.lenient(Int64.self, "deliveryDate")
        }
    }

    /// An element that decodes to nil instead of failing the array.
    struct Lenient<T: Decodable>: Decodable {
        var value: T?
        init(from decoder: any Decoder) throws { value = try? T(from: decoder) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension KeyedDecodingContainer where Key == ExchangeInfoParser.Key {
    /// The value at `key`, or nil when it is absent, null or of another type.
    fileprivate func lenient<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        (try? decodeIfPresent(type, forKey: Key(key))) ?? nil
    }
}
