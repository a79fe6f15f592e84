import ArgumentParser

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
            SimCommand.self,
        ]
    )
}
