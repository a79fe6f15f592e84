import ArgumentParser
import Foundation
import KlineSyncCore
import KlineSyncSQLite
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

    @Option(help: "Re-fetch and replace SYMBOL or SYMBOL:INTERVAL (globs allowed); repeatable.")
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
        let reportPath = report ?? manifest.report.path(runID: runID)
        let runner = ApplyRunner(
            manifest: manifest, saved: saved, force: selectors, runID: runID, reportPath: reportPath,
            reportRequested: report != nil, quiet: quiet, lockTimeout: lockTimeout, memoryBars: memoryBars,
            logger: logger)
        let code = await runner.run()
        if code != 0 { throw ExitCode(code) }
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
        let looksLikeJSON = data.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{")
        guard looksLikeJSON else { return (try Manifest.loadForCommand(input, data: data), nil) }
        let plan: Plan
        do {
            plan = try JSONCoding.decoder().decode(Plan.self, from: data)
        } catch {
            Terminal.printError(
                "error: \(input) is not a klinesync plan: \(error); save one with `klinesync plan --out`")
            throw ExitCode(1)
        }
        guard plan.formatVersion == "1" else {
            Terminal.printError(
                "error: \(input): plan format \(plan.formatVersion) is not supported; re-run klinesync plan")
            throw ExitCode(1)
        }
        let manifest = try Manifest.loadForCommand(plan.manifestPath)
        guard manifest.digest == plan.manifestDigest else {
            Terminal.printError(
                "error: \(input): plan is stale: \(plan.manifestPath) changed since the plan was made; "
                    + "run `klinesync plan --out` again")
            throw ExitCode(1)
        }
        return (manifest, plan)
    }
}

/// Run ids: sortable UTC time plus a random suffix, e.g. `20261125T154512Z-3f9a`.
enum RunID {
    static func make() -> String {
        let date = CivilDate(millis: Int64(Date().timeIntervalSince1970 * 1000))
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", date.year, date.month, date.day, date.hour, date.minute, date.second)
        return stamp + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
    }
}
