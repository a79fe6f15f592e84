import Foundation
import KlineSyncCore
import ZIPFoundation

#if canImport(zlib)
    import zlib
#elseif canImport(CZlib)
    // ZIPFoundation's own module for the system zlib (Linux), which it links.
    import CZlib
#endif

/// Reads the CSV inside an archive zip and parses it as it inflates.
enum ArchiveZip {
    /// What went wrong reading a verified zip.
    enum Problem: Error {
        /// Not a readable zip, no CSV inside, or a CRC-32 that does not match.
        case broken(String)
        /// A CSV row failed its checks.
        case row(ArchiveRowError)
    }

    /// Inflates the one CSV entry of `zip` into `parser`, chunk by chunk, and checks the entry's CRC-32.
    ///
    /// The CRC-32 is computed here with zlib's `crc32` rather than by ZIPFoundation, whose byte-at-a-time table
    /// lookup on Linux cost a third of the time of reading a file (zlib's is several times faster).
    static func parse(_ zip: Data, into parser: inout ArchiveCSVParser) throws(Problem) {
        let archive: Archive
        do {
            archive = try Archive(data: zip, accessMode: .read)
        } catch {
            throw .broken("not a readable zip (\(error))")
        }
        let entries = Array(archive)
        guard let entry = entries.first(where: { $0.type == .file && $0.path.lowercased().hasSuffix(".csv") }) else {
            throw .broken("no CSV inside (\(entries.count) entr\(entries.count == 1 ? "y" : "ies"))")
        }
        var rowError: ArchiveRowError?
        var crc = CRC32(0)
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: true) { chunk in
                guard rowError == nil else { return }
                chunk.withUnsafeBytes { bytes in
                    crc = Self.checksum(crc, bytes)
                    do throws(ArchiveRowError) { try parser.feed(bytes) } catch { rowError = error }
                }
            }
        } catch {
            throw .broken("the CSV does not inflate (\(error))")
        }
        if let rowError { throw .row(rowError) }
        guard crc == entry.checksum else {
            throw .broken("CRC-32 of the CSV is \(crc), the zip says \(entry.checksum)")
        }
        do { try parser.finish() } catch { throw .row(error) }
    }

    /// `crc` continued over `bytes` (zlib's CRC-32, the one zip uses).
    static func checksum(_ crc: CRC32, _ bytes: UnsafeRawBufferPointer) -> CRC32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
        var value = UInt(crc)
        var offset = 0
        while offset < bytes.count {
            // zlib takes a 32-bit length.
            let length = min(bytes.count - offset, 1 << 30)
            value = crc32(value, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(length))
            offset += length
        }
        return CRC32(truncatingIfNeeded: value)
    }
}
