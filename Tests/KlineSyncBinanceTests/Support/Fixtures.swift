import Foundation

/// The recorded Binance responses copied from `shared/fixtures/binance/` (see `Fixtures/SOURCES.md`).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try data(name)) }

    /// Every `.json` fixture.
    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted()
    }
}
