import Crypto
import Foundation

/// The `.CHECKSUM` sidecar of an archive file: `<64 hex sha256>  <zip name>`, as `sha256sum -c` reads it.
enum ArchiveChecksum {
    /// The lower-case hex digest a sidecar states; nil when the body is not of that form.
    static func expected(in body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let token = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first else {
            return nil
        }
        let hex = token.lowercased()
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        return hex
    }

    /// The SHA-256 of `data` in lower-case hex.
    static func digest(of data: Data) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
