import ArgumentParser
import Foundation
import KlineSyncCore
import Logging

/// `klinesync status FILE`: what the database holds for the manifest's market, per series.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show coverage per series: first and last bar, bar count, interior gaps and SHA-256 digest.",
        discussion: "Exit codes: 0 success (an empty or absent database prints an empty table), 1 error."
    )

    @Argument(help: "The manifest.", completion: .file(extensions: ["yaml", "yml"]))
    var manifest: String

    @Flag(help: "Print JSON (format_version 1) with the dataset digest.")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        _ = logging.bootstrap()
        let manifest = try Manifest.loadForCommand(self.manifest)
        let market = manifest.source.market
        var series: [SeriesStatus] = []
        if let store = try await StoreOpener.openExisting(manifest.database) {
            do {
                series = try await StatusReport.build(store: store, market: market)
                try await store.close()
            } catch {
                try? await store.close()
                throw CLIError.database("cannot read \(manifest.database): \(error)")
            }
        }
        if json {
            print(
                try StatusReport.renderJSON(series, market: market, database: manifest.database.description),
                terminator: "")
        } else {
            print("klinesync status: \(Market.exchangeName) \(market.rawValue) in \(manifest.database)")
            print(StatusReport.renderText(series), terminator: "")
        }
    }
}
