import ArgumentParser
import KlineSyncCore

/// The `klinesync` command: argument parsing, wiring and exit codes only; the work lives in the libraries.
@main
struct KlineSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klinesync",
        abstract: "Keep a database of exchange candlesticks in the state a YAML manifest declares.",
        discussion: """
            Exit codes: 0 success, 1 error or invalid input, 2 changes present (plan --detailed-exitcode) or \
            partial apply, 64 usage error.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self,
            PlanCommand.self,
            ApplyCommand.self,
            StatusCommand.self,
            AgentCommand.self,
            SimCommand.self,
        ]
    )

    /// Every error the CLI prints starts with `error:`, usage errors included (ArgumentParser says `Error:`).
    static var _errorPrefix: String { "error: " }

    /// Runs the command with stdout line-buffered; the project's own errors (thrown out of `run()`) are printed as
    /// `error: …` and exit 1, ArgumentParser's (usage errors: exit 64, help, `ExitCode`) as it prints them.
    static func main() async {
        Terminal.lineBufferStdout()
        do {
            var command = try await asyncParseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard error is SyncError || FileProblem.isFileError(error) else { exit(withError: error) }
            Terminal.printError("error: \(Terminal.message(for: error))")
            exit(withError: ExitCode.failure)
        }
    }
}
