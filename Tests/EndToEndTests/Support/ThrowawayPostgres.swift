import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of one test's own, made with `scripts/pg-test-cluster` under a state file of its own, that
/// the test may stop and start (the shared test cluster is never touched).
struct ThrowawayPostgres {
    /// Whether PostgreSQL server binaries are installed (the tests that need a cluster are skipped otherwise).
    static let available: Bool = {
        let environment = ProcessInfo.processInfo.environment
        if let bin = environment["PGBIN"] { return FileManager.default.isExecutableFile(atPath: bin + "/initdb") }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.contains {
            FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
        }
    }()

    static let script = CLI.root.appendingPathComponent("scripts/pg-test-cluster").path

    /// The state file the script keeps (`bin`, `owner`, `dir`, `port`, `url`).
    let stateFile: String
    /// `postgres://klinesync:PASSWORD@127.0.0.1:PORT/klinesync?sslmode=disable`.
    let url: String
    /// The generated password (to check it never shows).
    let password: String
    private let state: [String: String]

    /// Starts a new cluster (a few seconds: initdb and start).
    init() async throws {
        stateFile =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("klinesync-outage-\(UUID().uuidString.prefix(8)).env").path
        let started = try await Self.shell(Self.script, ["start"], environment: ["KLINESYNC_PG_TEST_STATE": stateFile])
        try #require(started.exitCode == 0, "cannot start a throwaway cluster: \(started)")
        let text = try String(contentsOfFile: stateFile, encoding: .utf8)
        var state: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            state[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingCharacters(
                in: CharacterSet(charactersIn: "'"))
        }
        self.state = state
        url = try #require(state["url"])
        let userInfo = url.dropFirst("postgres://".count).prefix { $0 != "@" }
        password = String(userInfo.drop { $0 != ":" }.dropFirst())
    }

    /// `pg_ctl -m immediate stop`: the server dies at once, as in a crash; clients see their connections drop.
    func crash() async throws {
        let result = try await pgctl(["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try #require(result.exitCode == 0, "pg_ctl stop failed: \(result)")
    }

    /// SIGSTOP to the server and its backends: connections stay open and new ones are accepted by the kernel, but
    /// nothing answers (a frozen host, or a network that drops packets).
    func freeze() throws { try signalServer(SIGSTOP) }

    /// SIGCONT: the frozen server answers again.
    func thaw() throws { try signalServer(SIGCONT) }

    /// Sends `signal` to the postmaster (first line of `postmaster.pid`) and every process it started.
    private func signalServer(_ signal: Int32) throws {
        let pidFile = try String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8)
        let postmaster = try #require(pid_t(pidFile.prefix { $0 != "\n" }), "no pid in postmaster.pid")
        var pids = [postmaster]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // `pid (comm) state ppid …`: the fields after the command name's closing parenthesis.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == postmaster { pids.append(pid) }
        }
        for pid in pids { kill(pid, signal) }
    }

    /// Starts the stopped server again on the same port.
    func restart() async throws {
        let options =
            "-c listen_addresses=127.0.0.1 -p \(state["port"]!) -c unix_socket_directories=\(state["dir"]!) "
            + "-c max_connections=300"
        let result = try await pgctl([
            "-D", dataDirectory, "-l", state["dir"]! + "/server.log", "-w", "-t", "60", "-o", options, "start",
        ])
        try #require(result.exitCode == 0, "pg_ctl start failed: \(result)")
    }

    /// Runs SQL through `psql`; nil when the server does not answer.
    func query(_ sql: String) async throws -> String? {
        let result = try await Self.shell(state["bin"]! + "/psql", [url, "-Atqc", sql])
        return result.exitCode == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Stops the cluster and removes its folder.
    func remove() async {
        try? thaw()
        _ = try? await Self.shell(Self.script, ["stop"], environment: ["KLINESYNC_PG_TEST_STATE": stateFile])
        try? FileManager.default.removeItem(atPath: stateFile)
    }

    /// Runs `body` with a new cluster and removes the cluster afterwards, whatever happens.
    static func with<T>(_ body: (ThrowawayPostgres) async throws -> T) async throws -> T {
        let cluster = try await ThrowawayPostgres()
        do {
            let result = try await body(cluster)
            await cluster.remove()
            return result
        } catch {
            await cluster.remove()
            throw error
        }
    }

    private var dataDirectory: String { state["dir"]! + "/data" }

    /// `pg_ctl` as the cluster's OS user (root may not run the server).
    private func pgctl(_ arguments: [String]) async throws -> CLI.Output {
        let pgctl = state["bin"]! + "/pg_ctl"
        if getuid() == 0 {
            return try await Self.shell("/usr/sbin/runuser", ["-u", state["owner"]!, "--", pgctl] + arguments)
        }
        return try await Self.shell(pgctl, arguments)
    }

    /// Runs a program and waits for it, with its output in temporary files.
    ///
    /// Not through `Process`: Foundation on Linux sees a child end only when every holder of a socket it gives the
    /// child has closed it, and `pg_ctl start` leaves the server running with that socket inherited, so the wait
    /// would last as long as the server. Here the child gets stdin, stdout and stderr only (every other descriptor
    /// is closed in it), and the wait is `waitpid` on the child itself.
    private static func shell(_ executable: String, _ arguments: [String], environment: [String: String] = [:])
        async throws -> CLI.Output
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-spawn-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // glibc 2.34+; not in the Glibc module's headers, so looked up by name.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        let symbol = try #require(
            dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"),
            "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later is needed)")
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)

        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        try #require(spawned == 0, "cannot run \(executable): \(String(cString: strerror(spawned)))")

        let deadline = ContinuousClock.now + .seconds(90)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                Issue.record("\(executable) \(arguments.joined(separator: " ")) ran longer than 90 s; killed")
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let exited = status & 0x7f == 0
        return CLI.Output(
            exitCode: exited ? (status >> 8) & 0xff : status & 0x7f, killedBySignal: !exited,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
