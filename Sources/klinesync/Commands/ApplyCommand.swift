import ArgumentParser
import Foundation
import KlineSyncCore
import Logging

/// `klinesync apply FILE|PLAN`: sync the database to the manifest, or run exactly a saved plan.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Fetch and store what the plan shows; write a JSON report.",
        discussion: """
            Exit codes: 0 converged, 1 nothing applied (bad manifest, stale plan, database or exchange unreachable, \
            banned at start), 2 partial (some symbols failed or the run was interrupted; all others committed).
            SIGINT/SIGTERM stop new work and let symbols in flight commit; a second signal abandons them \
            (rolled back).
            """
    )

    @Argument(help: "A manifest, or a plan saved by `klinesync plan --out`.", completion: .file())
    var input: String

    @Option(help: "Write the report here instead of report.path; '-' prints it on stdout.")
    var report: String?

    @Option(
        help: "Re-fetch and replace SYMBOL, SYMBOL:INTERVAL or SYMBOL:INTERVAL:DATASET (globs allowed); repeatable.")
    var force: [String] = []

    @Flag(help: "No progress and no summary; errors only (for cron).")
    var quiet = false

    @Option(help: "Seconds to wait for another apply writing to the same database.")
    var lockTimeout: Double = 5

    @Option(
        help: ArgumentHelp(
            "Bars held in memory while symbols wait for their transaction; beyond it, bars go to a spool file.",
            discussion: "Each symbol gets an equal share (at least 1,000). Spool files are made in TMPDIR and "
                + "removed at once, so none is left behind. About 200 bytes a bar.",
            valueName: "bars"))
    var memoryBars: Int = Executor.Options.defaultMemoryBars

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard memoryBars >= 1_000 else { throw ValidationError("--memory-bars must be at least 1000") }
    }

    func run() async throws {
        let logger = logging.bootstrap()
        let selectors = try parseForce(force)
        let (manifest, saved) = try loadInput()
        if saved != nil && !selectors.isEmpty {
            throw ValidationError("--force cannot change a saved plan; pass it to `klinesync plan --out` instead")
        }
        let runID = RunID.make()
        let file = ReportFile(path: report ?? manifest.report.path(runID: runID), requested: report != nil)
        let started = Date()
        let session: Session
        do {
            session = try await Session.start(manifest, logger: logger)
        } catch {
            throw ExitCode(nothingApplied(error, manifest: manifest, runID: runID, started: started, file: file))
        }
        // With `--report -`, stdout carries the report alone (for pipes into jq): no progress, summary on stderr.
        let progress = ProgressPrinter(
            quiet: quiet || file.isStdout, live: Terminal.stdoutIsTTY, client: session.client)
        let console = ApplyConsole(progress: progress, stop: StopSignal())
        let sync = Sync(
            manifest: manifest, exchange: session.client, database: StoreOpener.connector(manifest.database),
            archive: session.archive,
            endpoint: session.endpoint, logger: logger, clock: session.clock)
        let result = await console.apply(
            sync,
            Sync.ApplyOptions(
                runID: runID, saved: saved, force: selectors, lockTimeout: lockTimeout, memoryBars: memoryBars))
        await session.shutdown()
        if let failure = result.failure {
            Terminal.printError("error: \(Terminal.message(for: failure))")
            file.writeFailure(result.report)
            throw ExitCode(1)
        }
        let code = finish(result, file: file)
        if code != 0 { throw ExitCode(code) }
    }

    /// Prints why a run applied nothing, writes its report, and returns exit code 1.
    func nothingApplied(_ error: any Error, manifest: Manifest, runID: String, started: Date, file: ReportFile)
        -> Int32
    {
        let message = Terminal.message(for: error)
        Terminal.printError("error: \(message)")
        file.writeFailure(
            Report.failed(
                runID: runID, manifest: manifest, started: started, code: SyncError.code(of: error), message: message))
        return 1
    }

    /// Writes the report and the summary of an executed plan; returns the exit code.
    func finish(_ result: ApplyResult, file: ReportFile) -> Int32 {
        let report = result.report
        let written = file.write(report, recorded: result.recorded)
        if !quiet, file.isStdout { Terminal.printError(report.summaryLine) }
        if !quiet, !file.isStdout { print(report.summaryLine) }
        if !quiet, written, !file.isStdout { print("Report: \(file.path)") }
        for symbol in report.symbols where symbol.status == .failed {
            Terminal.printError("error: \(symbol.symbol): \(symbol.error?.message ?? "failed")")
        }
        switch report.status {
        // Everything committed but the report is missing: not a clean 0 for a script, and not 1 (data was applied).
        case .ok: return written ? 0 : 2
        case .partial: return 2
        case .failed: return 1
        }
    }

    /// The manifest, and the saved plan when the input is one.
    func loadInput() throws -> (Manifest, Plan?) {
        let data: Data
        do {
            data = try FileIO.contents(of: input, action: "read the manifest or plan")
        } catch {
            Terminal.printError("error: \(Terminal.message(for: error))")
            throw ExitCode(1)
        }
        guard Plan.looksSaved(data) else { return (try Manifest.loadForCommand(input, data: data), nil) }
        let plan = try Plan.decodeSaved(data, path: input)
        let manifest = try Manifest.loadForCommand(plan.manifestPath)
        try plan.check(madeFrom: manifest, path: input)
        return (manifest, plan)
    }
}
