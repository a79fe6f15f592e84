import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading and writing the files a person names on the command line (manifests, plans, reports), with failures as
/// ``FileProblem``s.
///
/// Writing never replaces what is not a regular file: a regular file (or a new path) is written atomically, to a
/// temporary file in its folder renamed over it; a FIFO, a device or a socket is written in place, as a shell's `>`
/// would; a symbolic link is followed and the same rule applied to its target, so the link stays. A target that is
/// the process's own stdout or stderr (`/dev/stdout`, `/proc/self/fd/1`) is written through that descriptor.
enum FileIO {
    /// The whole content of the file at `path`. `action` names the read in errors: `read the manifest`.
    static func contents(of path: String, action: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileProblem(action: action, path: path, code: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw FileProblem(action: action, path: path, code: EISDIR)
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileProblem(action: action, path: path, code: errno)
            }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes `data` to `path` by the rules above. `action` names the write in errors (`write the report to`);
    /// `createFolders` makes the missing folders of a new file first.
    static func save(_ data: Data, to path: String, action: String, createFolders: Bool) throws {
        func problem(_ code: Int32) -> FileProblem { FileProblem(action: action, path: path, code: code) }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            guard code == ENOENT, let target = newTarget(of: path) else { throw problem(code) }
            if createFolders, let code = makeFolders((target as NSString).deletingLastPathComponent) {
                throw problem(code)
            }
            if let code = replace(target, with: data, mode: nil) { throw problem(code) }
            return
        }
        if let fd = ownDescriptor(sameAs: info) {
            fflush(nil)
            if let code = writeAll(data, to: fd) { throw problem(code) }
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            throw problem(EISDIR)
        case S_IFREG:
            let target = resolved(path) ?? path
            if let code = replace(target, with: data, mode: info.st_mode & 0o7777) { throw problem(code) }
        default:
            if let code = writeInPlace(path, data) { throw problem(code) }
        }
    }

    /// Where a path that does not exist gets made: the path itself, or the end of the chain of symbolic links it
    /// starts (a dangling link keeps pointing at the file made). Nil when the chain loops.
    static func newTarget(of path: String) -> String? {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let destination = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current =
                destination.hasPrefix("/")
                ? destination
                : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        }
        return nil
    }

    /// The real path of an existing file, every symbolic link resolved.
    static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// stdout or stderr when `info` is the very file one of them is open on.
    static func ownDescriptor(sameAs info: stat) -> Int32? {
        for fd in [STDOUT_FILENO, STDERR_FILENO] {
            var own = stat()
            if fstat(fd, &own) == 0, own.st_dev == info.st_dev, own.st_ino == info.st_ino { return fd }
        }
        return nil
    }

    /// Makes `folder` and its missing parents; the error code, or nil.
    static func makeFolders(_ folder: String) -> Int32? {
        guard !folder.isEmpty else { return nil }
        var info = stat()
        if stat(folder, &info) == 0 { return info.st_mode & S_IFMT == S_IFDIR ? nil : ENOTDIR }
        guard errno == ENOENT else { return errno }
        if let code = makeFolders((folder as NSString).deletingLastPathComponent) { return code }
        if mkdir(folder, 0o777) != 0, errno != EEXIST { return errno }
        return nil
    }

    /// Writes a temporary file beside `target` and renames it over `target`; the error code, or nil. `mode` keeps
    /// the permissions of the file replaced (a new file gets 0666 less the umask).
    static func replace(_ target: String, with data: Data, mode: mode_t?) -> Int32? {
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            temporary = (folder as NSString).appendingPathComponent(".\(name).\(getpid()).\(suffix).tmp")
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { return errno }
        var code: Int32?
        if let mode, fchmod(fd, mode) != 0 { code = errno }
        if code == nil { code = writeAll(data, to: fd) }
        if code == nil, fsync(fd) != 0, errno != EINVAL { code = errno }
        if close(fd) != 0, code == nil { code = errno }
        if code == nil, rename(temporary, target) != 0 { code = errno }
        if code != nil { unlink(temporary) }
        return code
    }

    /// Opens an existing FIFO, device or socket for writing, without truncating or replacing it, and writes `data`.
    static func writeInPlace(_ path: String, _ data: Data) -> Int32? {
        // A reader that goes away must give EPIPE here, not kill the process.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return errno }
        let code = writeAll(data, to: fd)
        close(fd)
        return code
    }

    /// Writes every byte, retrying short writes and interruptions; the error code, or nil.
    static func writeAll(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let count = write(fd, base + offset, raw.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
    }
}
