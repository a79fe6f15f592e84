import Foundation
import KlineSyncCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One writer at a time per SQLite database: an advisory `flock` on `DATABASE.lock`, released by the kernel when the
/// process ends, however it ends (so a `kill -9` never leaves a stale lock). The file names the holder.
public final class WriterLock: Sendable {
    /// Who holds a lock, as written in the lock file.
    public struct Holder: Sendable, CustomStringConvertible {
        public var pid: Int32
        public var host: String
        public var startedAt: String

        public var description: String { "pid \(pid) on \(host), started \(startedAt)" }
    }

    /// The lock could not be taken in time.
    public struct Busy: StoreLockBusy, CustomStringConvertible, LocalizedError {
        public var database: String
        public var holder: Holder?
        public var waitedSeconds: Double

        public var description: String {
            "another klinesync apply is writing to \(database) (\(holder?.description ?? "holder unknown")); "
                + "waited \(String(format: "%.1f", waitedSeconds))s. Wait for it to finish, or raise --lock-timeout."
        }

        public var errorDescription: String? { description }
    }

    private let fd: Int32
    public let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// The lock file could not be made or opened (a folder that cannot be written, a file of someone else's).
    public struct Unavailable: Error, CustomStringConvertible, LocalizedError {
        public var database: String
        public var lockPath: String
        public var reason: String

        public var description: String {
            "cannot take the writer lock of \(database): cannot create \(lockPath) (\(reason)); klinesync needs to "
                + "write beside the database, so make its folder writable by this user or move the database"
        }

        public var errorDescription: String? { description }
    }

    /// Takes the lock for the database at `databasePath`, waiting up to `timeout` seconds. `onWait` is called once
    /// when the lock is busy, with its holder, so the caller can say it is waiting.
    ///
    /// The database is inspected read-only first (`SQLiteFile.inspect`): for a file klinesync did not make, this
    /// throws its `SQLiteStoreError` and creates no lock file. Other failures throw `Unavailable`.
    public static func acquire(
        databasePath: String, timeout: Double, onWait: (Holder?) -> Void = { _ in }
    ) async throws -> WriterLock {
        _ = try SQLiteFile.inspect(databasePath)
        let path = databasePath + ".lock"
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "its folder cannot be created"
            throw Unavailable(database: databasePath, lockPath: path, reason: reason.lowercased())
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Unavailable(database: databasePath, lockPath: path, reason: SQLiteFile.systemReason(errno))
        }
        let started = Date()
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let waited = Date().timeIntervalSince(started)
            if waited >= timeout {
                let holder = readHolder(fd)
                close(fd)
                throw Busy(database: databasePath, holder: holder, waitedSeconds: waited)
            }
            if !told {
                onWait(readHolder(fd))
                told = true
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        var hostBuffer = [CChar](repeating: 0, count: 256)
        gethostname(&hostBuffer, 255)
        let host = String(decoding: hostBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = "\(getpid())\n\(host)\n\(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return WriterLock(fd: fd, path: path)
    }

    static func readHolder(_ fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = pread(fd, &buffer, 512, 0)
        guard count > 0 else { return nil }
        let lines = String(decoding: buffer.prefix(count), as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.count >= 3, let pid = Int32(lines[0]) else { return nil }
        return Holder(pid: pid, host: lines[1], startedAt: lines[2])
    }

    /// Releases the lock (also released when the object goes away or the process ends).
    public func release() {
        flock(fd, LOCK_UN)
    }
}
