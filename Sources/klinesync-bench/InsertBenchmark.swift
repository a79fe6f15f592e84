import ArgumentParser
import Foundation
import KlineSyncCore
import KlineSyncPostgres
import KlineSyncSQLite

/// `klinesync-bench insert`: bulk bar inserts into a fresh SQLite file, one `SymbolWrite` per symbol.
struct InsertBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Insert synthetic bars into a fresh SQLite store (or a PostgreSQL database) and print the rate.",
        discussion: "Bars are generated before the clock starts; one transaction is written per symbol. A second "
            + "pass writes the same bars again (all unchanged) to time the compare path. With --database "
            + "postgres://…, the bars go into an empty schema of that database, which is left in place."
    )

    @Option(help: "Total bars to insert.")
    var bars = 1_000_000

    @Option(help: "Bars per series (one series per symbol).")
    var barsPerSeries = 2_000

    @Option(
        help: ArgumentHelp(
            "Symbols written at once (each its own transaction).",
            discussion: "1 writes one symbol after another; `apply` writes up to pacing.concurrency (default 8) "
                + "symbols at once, each on its own connection (PostgreSQL) or one after another (SQLite's one "
                + "writer)."))
    var concurrency = 1

    @Option(help: "Database file to create (default: a fresh file in a temporary folder, deleted afterwards).")
    var path: String?

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database to insert into instead of SQLite: postgres://user:pass@host:port/db.",
            discussion: "Without ?schema=NAME a new schema klinesync_bench_<random> is used; it must be empty.",
            valueName: "url"))
    var database: String?

    func validate() throws {
        guard bars > 0, barsPerSeries > 0 else { throw ValidationError("--bars and --bars-per-series must be > 0") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256") }
        if database != nil, path != nil { throw ValidationError("give --path or --database, not both") }
        if let database, !database.hasPrefix("postgres://"), !database.hasPrefix("postgresql://") {
            throw ValidationError("--database takes a postgres:// URL")
        }
        if let path, FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path) exists; the benchmark needs a fresh file")
        }
    }

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("klinesync-bench-\(UUID())")
        let file = path ?? folder.appendingPathComponent("bench.sqlite").path
        defer { if path == nil { try? FileManager.default.removeItem(at: folder) } }

        let writes = SyntheticBars.writes(total: bars, perSeries: barsPerSeries)
        let store: any Store
        var size: () async -> String = { Self.fileSize(file) }
        if let database {
            let url = Self.benchURL(database)
            let postgres = try await PostgresStore(url: url)
            guard try await postgres.summaries(market: .usdm).isEmpty else {
                try await postgres.close()
                throw ValidationError("\(postgres.displayName) already holds bars; the benchmark needs an empty schema")
            }
            print("database: \(postgres.displayName)")
            store = postgres
            size = { "n/a" }
        } else {
            store = try SQLiteStore(path: file)
        }
        print("symbols written at once: \(concurrency)")
        var rows: [[String]] = []
        for phase in ["insert", "rewrite"] {
            let clock = ContinuousClock()
            var counts = WriteCounts()
            let elapsed = try await clock.measure { counts = try await Self.write(writes, to: store, concurrency) }
            let expected = phase == "insert" ? counts.inserted : counts.unchanged
            guard expected == bars else {
                throw ValidationError("\(phase): expected \(bars) bars, the store counted \(counts)")
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rows.append([
                phase, String(bars), String(writes.count), String(format: "%.3f", seconds),
                String(Int((Double(bars) / seconds).rounded())), await size(),
            ])
        }
        try await store.close()
        print(Self.table(header: ["phase", "bars", "writes", "seconds", "bars/s", "file size"], rows: rows))
    }

    /// Writes every symbol, `concurrency` at a time, and sums the counts.
    private static func write(_ writes: [SymbolWrite], to store: any Store, _ concurrency: Int) async throws
        -> WriteCounts
    {
        try await withThrowingTaskGroup(of: WriteCounts.self) { group in
            var next = writes.makeIterator()
            for _ in 0..<concurrency {
                guard let write = next.next() else { break }
                group.addTask { try await store.write(write).total }
            }
            var counts = WriteCounts()
            while let done = try await group.next() {
                counts = counts + done
                if let write = next.next() { group.addTask { try await store.write(write).total } }
            }
            return counts
        }
    }

    /// `url` with a new schema `klinesync_bench_<random>` unless it names one.
    private static func benchURL(_ url: String) -> String {
        if url.contains("schema=") { return url }
        let schema = "klinesync_bench_" + UUID().uuidString.prefix(8).lowercased()
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    }

    /// Size of the database file plus its WAL, in MiB.
    private static func fileSize(_ path: String) -> String {
        let bytes = [path, path + "-wal"].reduce(0) { total, file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
        }
        return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    private static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
