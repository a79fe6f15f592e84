import Foundation
import Testing

@testable import KlineSyncCore

/// Seeded random input for the loader, through the file path as the CLI uses it: random bytes and mutations of a
/// real manifest. Each input gives a manifest or located diagnostics; none traps (a trap ends the test process).
struct ManifestFuzzTests {
    /// SplitMix64: deterministic, so a failing case is reproduced by its seed and index.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Bytes that matter to YAML, UTF-8 and the loader, mixed into mutations more often than chance would.
    static let interesting: [[UInt8]] =
        [
            ":", " ", "\n", "\r", "\t", "{", "}", "[", "]", ",", "-", "#", "&a", "*a", "!", "|", ">", "?", "\"", "'",
            "~",
            "0", "9", "99999999999999999999", "106751991168d", "1e400", "9999-12-31", "0000-01-01", "${X}", "%",
            "@", "/", "65536",
        ].map { Array($0.utf8) } + [[0x00], [0xE9], [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], [0xE2, 0x80, 0xA8], [0x7F]]

    static let seed = ManifestRobustnessTests.full

    /// One random change to `bytes`: flip, insert, delete, duplicate or swap lines, or splice an interesting token.
    static func mutate(_ bytes: inout [UInt8], _ random: inout Random) {
        let at = bytes.isEmpty ? 0 : random.below(bytes.count)
        switch random.below(6) {
        case 0: if !bytes.isEmpty { bytes[at] = UInt8(truncatingIfNeeded: random.next()) }
        case 1: bytes.insert(contentsOf: interesting[random.below(interesting.count)], at: at)
        case 2: if !bytes.isEmpty { bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(8))) }
        case 3:
            // Overwrite a number or a word with an interesting token.
            var end = at
            while end < bytes.count, bytes[end] != UInt8(ascii: " "), bytes[end] != UInt8(ascii: "\n") { end += 1 }
            bytes.replaceSubrange(at..<end, with: interesting[random.below(interesting.count)])
        default:
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.count > 1 else { return }
            let a = random.below(lines.count)
            let b = random.below(lines.count)
            if random.below(2) == 0 { lines.swapAt(a, b) } else { lines.insert(lines[a], at: b) }
            bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        }
    }

    /// Loads `bytes` from `path`: a manifest (true), or diagnostics every one of which is located in that file.
    @discardableResult
    static func expectManifestOrLocatedDiagnostics(_ bytes: [UInt8], path: String, _ what: String) throws -> Bool {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            let manifest = try Manifest.load(path: path, environment: ["X": "1"])
            ManifestRobustnessTests.expectWithinBounds(manifest, what)
            return true
        } catch let error as ManifestError {
            #expect(!error.diagnostics.isEmpty, "\(what)")
            for diagnostic in error.diagnostics {
                #expect(diagnostic.line >= 1 && diagnostic.column >= 1, "\(what): \(diagnostic)")
                #expect(diagnostic.description.hasPrefix("\(path):\(diagnostic.line):\(diagnostic.column): error: "))
                #expect(!diagnostic.message.contains("YamlError") && !diagnostic.message.contains("Foundation"))
            }
            return false
        }
    }

    @Test func randomBytesGiveLocatedDiagnostics() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-fuzz-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var random = Random(state: 12)
        for index in 0..<1500 {
            var bytes = (0..<random.below(160)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Half the cases are mostly printable, so they get past the first byte into the YAML parser.
            if index % 2 == 0 { bytes = bytes.map { $0 % 3 == 0 ? $0 : 32 + $0 % 95 } }
            try Self.expectManifestOrLocatedDiagnostics(bytes, path: path, "random bytes case \(index)")
        }
    }

    @Test func mutatedManifestsGiveAManifestOrLocatedDiagnostics() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-fuzz-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var random = Random(state: 2024)
        var loaded = 0
        for index in 0..<2500 {
            var bytes = Array(Self.seed.utf8)
            for _ in 0...random.below(4) { Self.mutate(&bytes, &random) }
            if try Self.expectManifestOrLocatedDiagnostics(bytes, path: path, "mutation case \(index)") { loaded += 1 }
        }
        // Some mutations leave a valid manifest (a comment, a harmless swap): both outcomes were exercised.
        #expect(loaded > 0 && loaded < 2500)
    }

    @Test func aliasOfAliasesIsLoadedQuicklyWithLocatedDiagnostics() throws {
        // Nine levels of nine aliases: a billion nodes if anything walked the expanded tree.
        var text = "version: 1\nx0: &a0 [bars, bars, bars, bars, bars, bars, bars, bars, bars]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "x\(level): &a\(level) [\(refs)]\n"
        }
        text += "intervals: { 1h: *a9 }\n"
        let started = ContinuousClock.now
        let error = try #require(throws: ManifestError.self) {
            try Manifest.parse(yaml: text, file: "m.yaml", absolutePath: "/d/m.yaml", environment: [:])
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(error.diagnostics.contains { $0.line == 12 && $0.message.contains("interval 1h must be a mapping") })
        #expect(error.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 })
    }
}
