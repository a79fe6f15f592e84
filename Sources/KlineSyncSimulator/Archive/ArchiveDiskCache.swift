import Crypto
import Foundation
import Hummingbird

/// Generated zips kept in a directory across simulator runs, so that a benchmark pays for generating each file
/// once, not once per fresh simulator.
///
/// A file's name is the SHA-256 of everything its bytes depend on (format version, seed, market, the instrument's
/// hidden parameters, interval, period, outages, fault, publication time), so a changed configuration never reads
/// a stale file. Files are written to a temporary name and renamed, so a killed simulator leaves no partial zip
/// under a real name. Nothing is ever deleted: point it at a scratch directory.
struct ArchiveDiskCache: Sendable {
    /// Bumped whenever the bytes of a generated file change for the same inputs.
    static let formatVersion = "klinesync-archive-1 (deflate level \(ZipWriter.level))"

    /// The directory holding the zips.
    let directory: String

    /// A cache in `directory`, created when missing.
    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    /// The cache file name of the zip built from `inputs` (a description of everything it depends on).
    static func name(_ inputs: String) -> String {
        SHA256.hash(data: Array((formatVersion + "\n" + inputs).utf8)).hexDigest + ".zip"
    }

    /// The zip stored under `name`, if any.
    func read(_ name: String) -> ByteBuffer? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name), !data.isEmpty else {
            return nil
        }
        return ByteBuffer(bytes: data)
    }

    /// Stores `zip` under `name`; a failure only costs a regeneration next time.
    func write(_ name: String, _ zip: ByteBuffer) {
        let final = directory + "/" + name
        let temporary = final + ".\(UInt64.random(in: 0...UInt64.max)).tmp"
        let data = Data(zip.readableBytesView)
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, final) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }
}
