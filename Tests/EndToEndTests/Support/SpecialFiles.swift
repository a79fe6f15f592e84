import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What kind of file a path names (symbolic links not followed).
enum FileKind: Equatable {
    case regular, directory, symlink, fifo, characterDevice, other, missing

    static func of(_ path: String) -> FileKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        default: return .other
        }
    }

    /// The permission bits of a file (symbolic links followed).
    static func permissions(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Makes a character device like `/dev/null` (major 1, minor 3) at `path`; true when it can be written too (not
    /// on a `nodev` mount, and only as root).
    static func makeNullDevice(at path: String) -> Bool {
        let device = dev_t((1 << 8) | 3)  // makedev(1, 3) in Linux's encoding
        guard mknod(path, mode_t(S_IFCHR) | 0o666, device) == 0 else { return false }
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// Whether this machine lets a test make and write a `/dev/null`-like device in a temporary folder.
    static let canMakeNullDevice: Bool = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-mknod-\(getpid())").path
        defer { unlink(path) }
        return makeNullDevice(at: path)
    }()
}

/// Reads a FIFO to its end on its own thread, as another process would.
final class FIFOReader: Sendable {
    private let path: String
    private let state = Mutex<(data: Data, done: Bool)>((Data(), false))

    init(_ path: String) {
        self.path = path
        let thread = Thread { [self] in
            let fd = open(path, O_RDONLY)  // blocks until a writer opens it
            if fd >= 0 {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    state.withLock { $0.data.append(contentsOf: buffer[0..<count]) }
                }
                close(fd)
            }
            state.withLock { $0.done = true }
        }
        thread.start()
    }

    /// What was read, once the writer has gone; nil when nothing ever opened the FIFO for writing.
    func finish(timeout: Duration = .seconds(5)) -> Data? {
        // Releases a reader still waiting for a writer (the FIFO was never written): it then reads nothing.
        let fd = open(path, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.done }) && ContinuousClock.now < deadline { usleep(10_000) }
        return state.withLock { $0.done && !$0.data.isEmpty ? $0.data : nil }
    }
}

/// A `klinesync` process whose stdout is a pipe read as it arrives (to see lines before the process ends).
final class PipedCLI: Sendable {
    private let process: Process
    private let stdout: PipeReader
    private let stderr: PipeReader

    init(_ arguments: [String], _ workspace: Workspace) throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLI.binary), "no klinesync binary at \(CLI.binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        process.currentDirectoryURL = workspace.folder
        process.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        stdout = PipeReader(out.fileHandleForReading)
        stderr = PipeReader(err.fileHandleForReading)
        try process.run()
        stdout.start()
        stderr.start()
        self.process = process
    }

    var isRunning: Bool { process.isRunning }
    var stdoutSoFar: String { stdout.text }
    var stderrSoFar: String { stderr.text }

    /// SIGKILL, and waits for the process to be gone.
    func kill() {
        if process.isRunning { sendSignal(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// `kill(2)` (inside `PipedCLI` the name is its method's).
private func sendSignal(_ pid: Int32, _ signal: Int32) { kill(pid, signal) }

/// A loopback TCP port nothing listens on: bound by the OS, then closed.
enum ClosedPort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        try #require(bound, "cannot bind a loopback port: \(String(cString: strerror(errno)))")
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
