import Hummingbird
import KlineSyncCore

#if canImport(CZlib)
    // ZIPFoundation's binding of the system zlib, whose API ZIPFoundation itself does not expose: its own writer
    // deflates at zlib's default level only, five times slower than level 1 on kline CSVs.
    import CZlib
#elseif canImport(zlib)
    import zlib
#endif

/// Writes a zip of one deflated file, the shape of every data.binance.vision archive, from contents given piece
/// by piece: the uncompressed file is never held whole.
///
/// The container is plain PKZIP 2.0 (no ZIP64: entries stay under 4 GiB; a monthly spot `1s` CSV is about
/// 390 MB), with the entry's time in MS-DOS form (UTC) and Unix permissions 0644. Deflate runs at zlib's level 1:
/// about 55 ms for a monthly `1m` CSV of 5 MB, against 300 ms at the default level, for zips 11 % larger.
final class ZipWriter {
    /// zlib's compression level used for every entry.
    static let level: Int32 = 1

    /// zlib keeps a pointer back to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var buffer: ByteBuffer
    private let name: [UInt8]
    private let time: UInt16
    private let date: UInt16
    private var crc: UInt = 0
    private var size = 0

    /// Starts a zip holding one entry `name`, modified at `modified` (ms since the epoch, UTC); `expectedBytes`
    /// sizes the first buffer.
    init(name: String, modified: Int64, expectedBytes: Int) throws(ZipWriterError) {
        self.name = Array(name.utf8)
        (time, date) = Self.dosTime(modified)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        buffer = ByteBufferAllocator().buffer(capacity: 128 + 2 * self.name.count + expectedBytes)
        guard
            deflateInit2_(
                stream, Self.level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            stream.deallocate()
            throw ZipWriterError(stage: "deflateInit2")
        }
        writeHeader(signature: 0x0403_4B50, compressed: 0)
        buffer.writeBytes(self.name)
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Adds the next piece of the entry's contents.
    func append(_ bytes: [UInt8]) throws(ZipWriterError) {
        guard !bytes.isEmpty else { return }
        size += bytes.count
        try compress(bytes, flush: Z_NO_FLUSH)
    }

    /// Finishes the entry and returns the zip.
    func finish() throws(ZipWriterError) -> ByteBuffer {
        let dataStart = 30 + name.count
        try compress([], flush: Z_FINISH)
        let compressed = UInt32(buffer.writerIndex - dataStart)
        buffer.setInteger(UInt32(crc), at: 14, endianness: .little)
        buffer.setInteger(compressed, at: 18, endianness: .little)
        buffer.setInteger(UInt32(size), at: 22, endianness: .little)

        let directoryStart = buffer.writerIndex
        writeHeader(signature: 0x0201_4B50, compressed: compressed)
        buffer.writeInteger(UInt16(0), endianness: .little)  // comment length
        buffer.writeInteger(UInt16(0), endianness: .little)  // disk number
        buffer.writeInteger(UInt16(0), endianness: .little)  // internal attributes
        buffer.writeInteger(UInt32(0o100644) << 16, endianness: .little)  // external: regular file, rw-r--r--
        buffer.writeInteger(UInt32(0), endianness: .little)  // offset of the local header
        buffer.writeBytes(name)
        let directorySize = buffer.writerIndex - directoryStart

        buffer.writeInteger(UInt32(0x0605_4B50), endianness: .little)
        buffer.writeInteger(UInt16(0), endianness: .little)  // this disk
        buffer.writeInteger(UInt16(0), endianness: .little)  // disk with the directory
        buffer.writeInteger(UInt16(1), endianness: .little)  // entries on this disk
        buffer.writeInteger(UInt16(1), endianness: .little)  // entries
        buffer.writeInteger(UInt32(directorySize), endianness: .little)
        buffer.writeInteger(UInt32(directoryStart), endianness: .little)
        buffer.writeInteger(UInt16(0), endianness: .little)  // comment length
        return buffer
    }

    /// Runs deflate over `bytes` until it has taken all of them (and, with `Z_FINISH`, ended the stream).
    private func compress(_ bytes: [UInt8], flush: Int32) throws(ZipWriterError) {
        var input = bytes
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { input in
            if input.count > 0 { crc = crc32(crc, input.baseAddress, UInt32(input.count)) }
            stream.pointee.next_in = input.baseAddress
            stream.pointee.avail_in = UInt32(input.count)
            var more = true
            while more {
                let room = max(1 << 16, Int(stream.pointee.avail_in) / 2)
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { output in
                    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = UInt32(output.count)
                    status = deflate(stream, flush)
                    return output.count - Int(stream.pointee.avail_out)
                }
                // Go on while input is left, the output filled up (more may be pending), or the end is not written.
                let pending = stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0 || flush == Z_FINISH
                more = status == Z_OK && pending
            }
            stream.pointee.next_in = nil
        }
        let done = flush == Z_FINISH ? status == Z_STREAM_END : status == Z_OK || status == Z_BUF_ERROR
        guard done else { throw ZipWriterError(stage: "deflate (\(status))") }
    }

    /// The fields a local header and a central directory entry share.
    private func writeHeader(signature: UInt32, compressed: UInt32) {
        buffer.writeInteger(signature, endianness: .little)
        if signature == 0x0201_4B50 { buffer.writeInteger(UInt16(3 << 8 | 20), endianness: .little) }  // made by Unix
        buffer.writeInteger(UInt16(20), endianness: .little)  // version needed: 2.0 (deflate)
        buffer.writeInteger(UInt16(0), endianness: .little)  // flags
        buffer.writeInteger(UInt16(8), endianness: .little)  // method: deflate
        buffer.writeInteger(time, endianness: .little)
        buffer.writeInteger(date, endianness: .little)
        buffer.writeInteger(UInt32(crc), endianness: .little)
        buffer.writeInteger(compressed, endianness: .little)
        buffer.writeInteger(UInt32(size), endianness: .little)
        buffer.writeInteger(UInt16(name.count), endianness: .little)
        buffer.writeInteger(UInt16(0), endianness: .little)  // extra field length
    }

    /// MS-DOS time and date of `millis` (UTC; years clamped to 1980…2107, seconds halved).
    static func dosTime(_ millis: Int64) -> (time: UInt16, date: UInt16) {
        let d = CivilDate(millis: millis)
        let year = min(max(d.year, 1980), 2107)
        let time = UInt16(d.hour << 11 | d.minute << 5 | d.second / 2)
        let date = UInt16((year - 1980) << 9 | d.month << 5 | d.day)
        return (time, date)
    }
}

/// zlib refused to deflate an archive file (out of memory, or a broken stream).
struct ZipWriterError: Error, CustomStringConvertible {
    /// The zlib call that failed.
    var stage: String

    var description: String { "the simulator could not zip an archive file: zlib's \(stage) failed" }
}
