import ArgumentParser
import Foundation
import KlineSyncCore
import Logging

/// `klinesync plan FILE`: the diff between the manifest and the database. Never writes to the database.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change: per symbol and interval, what to create, extend, repair, …",
        discussion: """
            Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error, 2 changes present (with \
            --detailed-exitcode only). The database is only read, never created or written.
            """
    )

    @Argument(help: "The manifest.", completion: .file(extensions: ["yaml", "yml"]))
    var manifest: String

    @Flag(help: "Print the plan as JSON (format_version 1, schema/plan.schema.json).")
    var json = false

    @Option(name: .long, help: "Save the plan to this file for `klinesync apply PLAN`.")
    var out: String?

    @Flag(help: "Exit 2 when there are changes, 0 when there are none.")
    var detailedExitcode = false

    @Option(
        help: "Re-fetch and replace SYMBOL, SYMBOL:INTERVAL or SYMBOL:INTERVAL:DATASET (globs allowed); repeatable.")
    var force: [String] = []

    @Flag(help: "List every series instead of the first 20 of each action.")
    var full = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap()
        let selectors = try parseForce(force)
        let manifest = try Manifest.loadForCommand(self.manifest)
        let plan = try await Self.makePlan(manifest, force: selectors, logger: logger)
        if json {
            print(try JSONCoding.string(plan), terminator: "")
        } else {
            let color = Terminal.stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            print(plan.render(Plan.RenderOptions(color: color, maxLinesPerGroup: full ? nil : 20)), terminator: "")
        }
        if let out {
            try FileIO.save(
                Data(try JSONCoding.string(plan).utf8), to: out, action: "save the plan to", createFolders: false)
            if !json { print("Saved the plan to \(out); run `klinesync apply \(out)` to apply exactly this plan.") }
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }

    /// Reads the database and the exchange and makes the plan.
    static func makePlan(_ manifest: Manifest, force: [ForceSelector], logger: Logger) async throws -> Plan {
        let session = try await Session.start(manifest, logger: logger)
        let sync = Sync(
            manifest: manifest, exchange: session.client, database: StoreOpener.connector(manifest.database),
            archive: session.archive,
            endpoint: session.endpoint, logger: logger, clock: session.clock)
        do {
            let plan = try await sync.plan(force: force)
            await session.shutdown()
            return plan
        } catch {
            await session.shutdown()
            throw error
        }
    }
}
