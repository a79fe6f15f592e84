import ArgumentParser

/// Benchmarks of klinesync's parts, one subcommand per benchmark (`klinesync-bench insert`).
@main
struct KlineSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klinesync-bench",
        abstract: "Measure klinesync's hot paths. Build with -c release before trusting a number.",
        subcommands: [InsertBenchmark.self]
    )
}
