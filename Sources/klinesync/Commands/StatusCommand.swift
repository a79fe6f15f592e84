import ArgumentParser
import Foundation
import KlineSyncCore
import Logging

/// `klinesync status FILE`: what the database holds for the manifest's market, per series.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show coverage per series (first and last bar, bar count, interior gaps, SHA-256 digest) and funding history.",
        discussion: """
            Exit codes: 0 success (an empty or absent database prints an empty table), 1 error.
            With --verify, drift found and repaired still exits 0, with a `warning:` line on stderr and \
            "verify.drifted" in the JSON.
            """
    )

    @Argument(help: "The manifest.", completion: .file(extensions: ["yaml", "yml"]))
    var manifest: String

    @Flag(help: "Print JSON (format_version 1) with the dataset digest.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Recount every series from its bars and repair drifted counts, so the next plan restores missing bars.",
            discussion: "Plan and status trust the counts klinesync maintains; bars deleted outside klinesync go "
                + "unnoticed until this recount. It reads every bar once and takes the writer lock."))
    var verify = false

    @Option(help: "With --verify: seconds to wait for an apply writing to the same SQLite database.")
    var lockTimeout: Double = 5

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        _ = logging.bootstrap()
        let manifest = try Manifest.loadForCommand(self.manifest)
        let market = manifest.source.market
        var series: [SeriesStatus] = []
        var funding: [FundingStatus] = []
        var verification: StatusVerification?
        let database = StoreOpener.connector(manifest.database)
        let existing: (any Store)?
        do {
            existing = try await database.openForReading()
        } catch {
            throw SyncError.database("\(error)")
        }
        if let existing {
            var store = existing
            do {
                if verify {
                    try await store.close()
                    // The database exists: this opens it writable, under the writer lock, without creating anything.
                    store = try await database.openForWriting(lockTimeout: lockTimeout) { holder in
                        Terminal.printError(
                            "waiting for an apply on \(manifest.database) (\(holder ?? "holder unknown"))…")
                    }
                    verification = StatusVerification(
                        try await store.recount(market: market, repair: true), repaired: true)
                }
                series = try await StatusReport.build(store: store, market: market)
                funding = try await StatusReport.buildFunding(store: store, market: market)
                try await store.close()
            } catch let error as any StoreLockBusy {
                try? await store.close()
                throw SyncError.database("\(error)")
            } catch let error as SyncError {
                try? await store.close()
                throw error
            } catch {
                try? await store.close()
                throw SyncError.database("cannot \(verify ? "verify" : "read") \(manifest.database): \(error)")
            }
        } else if verify {
            verification = StatusVerification([], repaired: true)
        }
        if let verification, !verification.drifted.isEmpty {
            Terminal.printError(
                "warning: \(verification.drifted.count) series in \(manifest.database) had counts that did not match "
                    + "their bars (changed outside klinesync); the counts were repaired, run `klinesync apply` to "
                    + "fetch the missing bars again")
        }
        if json {
            print(
                try StatusReport.renderJSON(
                    series, funding: funding, market: market, database: manifest.database.description,
                    verify: verification),
                terminator: "")
        } else {
            print("klinesync status: \(Market.exchangeName) \(market.rawValue) in \(manifest.database)")
            print(StatusReport.renderText(series, funding: funding), terminator: "")
            if let verification { print(verification.text, terminator: "") }
        }
    }
}
