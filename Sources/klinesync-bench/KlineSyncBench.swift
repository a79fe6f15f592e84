import ArgumentParser

/// `klinesync-bench`: benchmarks of klinesync's hot paths, one subcommand per benchmark.
@main
struct KlineSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klinesync-bench",
        abstract: "Measure klinesync's hot paths. Build with -c release before trusting a number.",
        subcommands: [InsertBenchmark.self, ParseBenchmark.self]
    )
}
