import Foundation
import GRDB
import KlineSyncCore
import KlineSyncSQLite
import Testing

/// A temporary folder for one test: its manifest, database, reports and plans. Removed by ``remove()``.
struct Workspace {
    let folder: URL

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("klinesync-e2e-\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs `body` in a fresh workspace and removes it afterwards, whatever happens.
    static func with<T>(_ name: String = #function, _ body: (Workspace) async throws -> T) async throws -> T {
        let workspace = try Workspace(name)
        defer { workspace.remove() }
        return try await body(workspace)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    var manifestPath: String { path("manifest.yaml") }
    var databasePath: String { path("klines.sqlite") }

    /// Writes the manifest and returns its path.
    @discardableResult
    func writeManifest(_ text: String, name: String = "manifest.yaml") throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Runs `klinesync ARGS` here.
    func run(_ arguments: String..., timeout: Duration = .seconds(60)) async throws -> CLI.Output {
        try await CLI.run(arguments, in: folder, timeout: timeout)
    }

    /// `apply manifest.yaml --report NAME` plus `extra`; returns the output and the report it wrote.
    func apply(
        report name: String, _ extra: [String] = [], input: String = "manifest.yaml", timeout: Duration = .seconds(60)
    ) async throws -> (CLI.Output, Report) {
        let output = try await CLI.run(["apply", input, "--report", path(name)] + extra, in: folder, timeout: timeout)
        let report = try readReport(name, context: output)
        return (output, report)
    }

    /// Decodes a report written here.
    func readReport(_ name: String, context: CLI.Output? = nil) throws -> Report {
        let data = try #require(
            FileManager.default.contents(atPath: path(name)),
            "no report at \(path(name)); \(context.map { "\($0)" } ?? "")")
        return try JSONCoding.decoder().decode(Report.self, from: data)
    }

    func fileExists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    // MARK: the database

    /// The stored bars of one series, in open-time order (none when the database does not exist).
    func storedBars(_ symbol: String, _ interval: Interval, market: Market = .usdm, dataset: Dataset = .klines)
        async throws -> [Bar]
    {
        guard FileManager.default.fileExists(atPath: databasePath) else { return [] }
        let store = try SQLiteStore(path: databasePath, createIfMissing: false)
        do {
            let key = SeriesKey(market: market, symbol: symbol, interval: interval, dataset: dataset)
            let bars = try await store.bars(of: key, in: nil)
            try await store.close()
            return bars
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// The stored funding events of a symbol, in funding-time order (none when the database does not exist).
    func storedFunding(_ symbol: String, market: Market = .usdm) async throws -> [FundingRate] {
        guard FileManager.default.fileExists(atPath: databasePath) else { return [] }
        let store = try SQLiteStore(path: databasePath, createIfMissing: false)
        do {
            let rates = try await store.fundingRates(market: market, symbol: symbol, in: nil)
            try await store.close()
            return rates
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// Runs raw SQL on the database (to corrupt a bar, or count rows).
    func withDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: databasePath)
        return try queue.write(body)
    }

    /// Symbols with at least one stored bar, read without disturbing a writer in another process.
    func symbolsWithBars() -> Set<String> {
        guard FileManager.default.fileExists(atPath: databasePath) else { return [] }
        do {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(2)
            let queue = try DatabaseQueue(path: databasePath, configuration: config)
            let symbols = try queue.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT symbol FROM series WHERE bar_count > 0")
            }
            try queue.close()
            return Set(symbols)
        } catch {
            return []
        }
    }
}
