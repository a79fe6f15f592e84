import Foundation

/// Reads `{"serverTime": 1499827319559}`.
enum ServerTimeParser {
    static func parse(_ body: UnsafeRawBufferPointer) -> Int64? {
        struct Body: Decodable { var serverTime: Int64 }
        return try? JSONDecoder().decode(Body.self, from: Data(body)).serverTime
    }
}
