/// A small ordered JSON document model for the bodies that are not on the hot path (exchangeInfo).
indirect enum JSONValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral
{
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([JSONValue])
    /// Keys keep their order, as in Binance's responses.
    case object([(String, JSONValue)])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int64) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// `.integer` from an `Int`.
    static func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    /// Appends the compact JSON text.
    func write(to w: inout ByteWriter) {
        switch self {
        case .string(let s): w.string(s)
        case .integer(let i): w.integer(i)
        case .bool(let b): w.raw(b ? "true" : "false")
        case .array(let items):
            w.byte(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                item.write(to: &w)
            }
            w.byte(UInt8(ascii: "]"))
        case .object(let members):
            w.byte(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.string(key)
                w.byte(UInt8(ascii: ":"))
                value.write(to: &w)
            }
            w.byte(UInt8(ascii: "}"))
        }
    }

    /// The compact JSON text as bytes.
    var bytes: [UInt8] {
        var w = ByteWriter(capacity: 1024)
        write(to: &w)
        return w.bytes
    }
}
