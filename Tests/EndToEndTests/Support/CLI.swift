import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the built `klinesync` binary in a child process, with its output captured through pipes.
enum CLI {
    /// The package root, found from this file's path (`Tests/EndToEndTests/Support/CLI.swift`).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `<root>/.build/debug/klinesync`, which `swift test` builds before running the tests.
    static let binary: String = root.appendingPathComponent(".build/debug/klinesync").path

    /// What a finished run left behind.
    struct Output: CustomStringConvertible {
        /// The exit status, or the signal number when ``killedBySignal``.
        var exitCode: Int32
        var killedBySignal: Bool
        var stdout: String
        var stderr: String

        var description: String {
            "exit \(killedBySignal ? "signal " : "")\(exitCode)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
        }
    }

    /// Runs `klinesync ARGS` in `directory` and waits for it; a run longer than `timeout` is killed and fails.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: Duration = .seconds(60)
    ) async throws -> Output {
        try await start(arguments, in: directory, environment: environment).wait(timeout: timeout)
    }

    /// Starts `klinesync ARGS` in `directory` without waiting.
    static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws
        -> RunningCLI
    {
        try #require(
            FileManager.default.isExecutableFile(atPath: binary),
            "no klinesync binary at \(binary); run `swift build` (or `swift test`, which builds it) first")
        return try RunningCLI(binary: binary, arguments: arguments, directory: directory, environment: environment)
    }
}

/// A `klinesync` child process: signal it, watch its output, wait for it.
final class RunningCLI: @unchecked Sendable {
    private let process: Process
    private let stdout: PipeReader
    private let stderr: PipeReader
    let arguments: [String]

    init(binary: String, arguments: [String], directory: URL, environment extra: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        self.arguments = arguments
        stdout = PipeReader(out.fileHandleForReading)
        stderr = PipeReader(err.fileHandleForReading)
        try process.run()
        stdout.start()
        stderr.start()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGKILL, SIGINT, …) to the process.
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// What it wrote to stderr so far.
    var stderrSoFar: String { stderr.text }

    /// Waits for the process to end and its pipes to close; past `timeout` it is killed and the test fails.
    func wait(timeout: Duration = .seconds(60)) async throws -> CLI.Output {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                send(SIGKILL)
                try await Task.sleep(for: .milliseconds(200))
                Issue.record("klinesync \(arguments.joined(separator: " ")) ran longer than \(timeout); killed")
                throw TimedOut(arguments: arguments, stderr: stderr.text)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        while !(stdout.finished && stderr.finished) {
            if ContinuousClock.now > deadline + .seconds(5) { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return CLI.Output(
            exitCode: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
            stdout: stdout.text, stderr: stderr.text)
    }

    struct TimedOut: Error, CustomStringConvertible {
        var arguments: [String]
        var stderr: String
        var description: String { "klinesync \(arguments.joined(separator: " ")) timed out; stderr:\n\(stderr)" }
    }
}

/// Drains a pipe on its own thread (never on the Swift concurrency pool, which the in-process simulator needs).
final class PipeReader: Sendable {
    private let handle: FileHandle
    private let state = Mutex<(data: Data, finished: Bool)>((Data(), false))

    init(_ handle: FileHandle) { self.handle = handle }

    func start() {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                state.withLock { $0.data.append(chunk) }
            }
            state.withLock { $0.finished = true }
        }
        thread.start()
    }

    var text: String { String(decoding: state.withLock { $0.data }, as: UTF8.self) }
    var finished: Bool { state.withLock { $0.finished } }
}
