import ArgumentParser

/// `klinesync-bench`: micro-benchmarks of klinesync's hot paths; one subcommand per benchmark.
@main
struct KlineSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klinesync-bench",
        abstract: "Benchmarks of klinesync's hot paths.",
        subcommands: [ParseBenchmark.self]
    )
}
