import Foundation
import KlineSyncCore
import ZIPFoundation

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
        let crc: CRC32
        do {
            crc = try archive.extract(entry, bufferSize: 1 << 18, skipCRC32: false) { chunk in
                guard rowError == nil else { return }
                chunk.withUnsafeBytes { bytes in
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
}
