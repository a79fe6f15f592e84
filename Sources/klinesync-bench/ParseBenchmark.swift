import ArgumentParser
import Foundation
import KlineSyncBinance
import KlineSyncCore

/// `klinesync-bench parse`: bars parsed per second on one core by the hand-written klines parser and by
/// Foundation's `JSONSerialization` and `JSONDecoder`, on a 1000-bar page in Binance's wire format.
struct ParseBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Klines parser throughput (bars/s on one core).")

    @Option(help: "Bars to parse with the hand-written parser.")
    var bars = 5_000_000

    @Option(help: "Bars to parse with each Foundation parser (slower).")
    var foundationBars = 500_000

    @Option(help: "Bars per page.")
    var page = 1000

    func run() throws {
        let body = Array(Self.syntheticPage(bars: page).utf8)
        print("page: \(page) bars, \(body.count) bytes (\(body.count / page) bytes/bar)")
        print("parser               bars/s (1 core)        MB/s       bars")
        try measure("hand-written", body: body, total: bars) { bytes in
            try bytes.withUnsafeBytes { try KlineParser.parse($0).count }
        }
        try measure("JSONSerialization", body: body, total: foundationBars) { bytes in
            try Self.parseWithSerialization(Data(bytes)).count
        }
        try measure("JSONDecoder", body: body, total: foundationBars) { bytes in
            try JSONDecoder().decode([DecodedKline].self, from: Data(bytes)).count
        }
    }

    private func measure(_ name: String, body: [UInt8], total: Int, _ parse: ([UInt8]) throws -> Int) throws {
        let iterations = max(1, total / page)
        _ = try parse(body)  // warm up
        var parsed = 0
        let elapsed = try ContinuousClock().measure {
            for _ in 0..<iterations { parsed += try parse(body) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(parsed) / seconds
        let megabytes = Double(body.count * iterations) / seconds / 1_000_000
        let columns = [
            name.padding(toLength: 20, withPad: " ", startingAt: 0),
            String(format: "%16.0f", rate), String(format: "%14.1f", megabytes), String(format: "%10d", parsed),
        ]
        print(columns.joined(separator: " "))
    }

    /// A page like the recorded spot fixture: 8-decimal strings, "0" in field 11.
    static func syntheticPage(bars: Int) -> String {
        var rows: [String] = []
        let start: Int64 = 1_634_943_780_000
        for i in 0..<bars {
            let open = start + Int64(i) * 60_000
            let p = 60_000 + (i * 7919) % 1000
            let c = (i * 31) % 100
            func price(_ d: Int) -> String { "\"\(p + d).\(c < 10 ? "0" : "")\(c)000000\"" }
            rows.append(
                "[\(open),\(price(0)),\(price(44)),\(price(-15)),\(price(34)),\"\(21 + i % 50).63272000\",\(open + 59_999),"
                    + "\"\(1_313_200 + i).01340410\",\(600 + i % 300),\"\(12 + i % 9).28492000\",\"\(745_719 + i).41022840\",\"0\"]"
            )
        }
        return "[" + rows.joined(separator: ",") + "]"
    }

    /// Foundation's untyped parser, converted into the same `Bar` values.
    static func parseWithSerialization(_ data: Data) throws -> [Bar] {
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[Any]] else {
            throw ValidationError("not an array")
        }
        return try rows.map { row in
            guard row.count == 12, let open = (row[0] as? NSNumber)?.int64Value,
                let close = (row[6] as? NSNumber)?.int64Value,
                let trades = (row[8] as? NSNumber)?.int64Value
            else { throw ValidationError("bad row") }
            func text(_ i: Int) throws -> String {
                guard let s = row[i] as? String else { throw ValidationError("field \(i)") }
                return s
            }
            return Bar(
                openTime: open, open: try text(1), high: try text(2), low: try text(3), close: try text(4),
                volume: try text(5), closeTime: close, quoteVolume: try text(7), trades: trades,
                takerBuyBaseVolume: try text(9), takerBuyQuoteVolume: try text(10))
        }
    }
}

/// One kline row decoded with `JSONDecoder` through an unkeyed container.
struct DecodedKline: Decodable {
    var bar: Bar

    init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        let open = try c.decode(Int64.self)
        let o = try c.decode(String.self)
        let h = try c.decode(String.self)
        let l = try c.decode(String.self)
        let cl = try c.decode(String.self)
        let v = try c.decode(String.self)
        let closeTime = try c.decode(Int64.self)
        let q = try c.decode(String.self)
        let trades = try c.decode(Int64.self)
        let tb = try c.decode(String.self)
        let tq = try c.decode(String.self)
        if (try? c.decode(String.self)) == nil { _ = try c.decode(Double.self) }
        bar = Bar(
            openTime: open, open: o, high: h, low: l, close: cl, volume: v, closeTime: closeTime, quoteVolume: q,
            trades: trades, takerBuyBaseVolume: tb, takerBuyQuoteVolume: tq)
    }
}
