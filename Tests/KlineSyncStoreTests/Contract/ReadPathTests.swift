import Foundation
import GRDB
import KlineSyncCore
import PostgresNIO
import Testing

/// The SQL of README's "Reading the data", run on every backend against a populated database: the statements are
/// read out of README.md (between the `reading-the-data` markers), so what the README shows is what is tested.
@Suite struct ReadPathTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")

    /// The section between the markers.
    static func section() throws -> String {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- reading-the-data:begin -->"))
        let end = try #require(text.range(of: "<!-- reading-the-data:end -->"))
        return String(text[begin.upperBound..<end.lowerBound])
    }

    /// The statements of the section's ```sql blocks, in order, without their `;`.
    static func sqlBlockStatements() throws -> [String] {
        var statements: [String] = []
        var inBlock = false
        for line in try section().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock = line == "```sql"
                continue
            }
            if inBlock, line.hasSuffix(";") { statements.append(String(line.dropLast())) }
        }
        return statements
    }

    /// Every `"SELECT …"` string in the section's other code (Python, DuckDB, psql).
    static func quotedStatements() throws -> [String] {
        try section().split(separator: "\"").filter { $0.hasPrefix("SELECT ") }.map(String.init)
    }

    /// Rows each statement of the ```sql block returns on `populate`'s database, in order.
    static let expectedRows = [48, 3, 24, 3]

    static let numericColumns: Set<String> = [
        "open", "high", "low", "close", "volume", "quote_volume", "taker_buy_base", "taker_buy_quote", "rate",
        "mark_price",
    ]
    static let timestampColumns: Set<String> = ["open_at", "funding_at", "first", "last"]

    @Test func everyExampleRunsAStatementOfTheSQLBlock() throws {
        let statements = try Self.sqlBlockStatements()
        #expect(statements.count == Self.expectedRows.count)
        let quoted = try Self.quotedStatements()
        #expect(quoted.count >= 5)
        for statement in quoted { #expect(statements.contains(statement), "\(statement)") }
    }

    /// BTCUSDT 1h trade and mark-price klines and ETHUSDT 1h trade klines (24 bars each), three BTCUSDT funding
    /// events.
    static func populate(_ store: any Store) async throws {
        var mark = Fixtures.bars(24)
        for index in mark.indices { mark[index].close = "4100\(index).5" }
        let btcMark = SeriesKey(market: .usdm, symbol: "BTCUSDT", interval: Fixtures.hour, dataset: .markPrice)
        _ = try await store.write(
            SymbolWrite(
                market: .usdm, symbol: "BTCUSDT",
                series: [
                    SeriesWrite(key: Fixtures.key(), bars: Fixtures.bars(24)), SeriesWrite(key: btcMark, bars: mark),
                ],
                funding: FundingWrite(rates: DatasetContractTests.rates())))
        _ = try await store.write(Fixtures.write(Fixtures.key("ETHUSDT"), bars: Fixtures.bars(24)))
    }

    /// One result cell, as the test compares it across backends.
    enum Cell: Equatable {
        case number(Double)
        case integer(Int64)
        case text(String)
        /// A timestamp, in ms since the epoch.
        case timestamp(Int64)
        case null
    }

    @Test(arguments: StoreBackend.all)
    func readmeQueriesAnswerWithNumbersAndTimestamps(backend: StoreBackend) async throws {
        try await backend.withStore { store, database in
            try await Self.populate(store)
            for (statement, rows) in zip(try Self.sqlBlockStatements(), Self.expectedRows) {
                let result = try await Self.run(statement, on: database)
                #expect(result.count == rows, "\(backend.name): \(statement)")
                for row in result {
                    for (column, cell) in row {
                        if Self.numericColumns.contains(column) {
                            #expect(
                                cell.isNumber || (column == "mark_price" && cell == .null),
                                "\(backend.name): \(column) is \(cell) in \(statement)")
                        }
                        if Self.timestampColumns.contains(column) {
                            guard case .timestamp = cell else {
                                Issue.record("\(backend.name): \(column) is \(cell) in \(statement)")
                                continue
                            }
                        }
                    }
                    // The timestamp beside each time is that time.
                    if case .integer(let time)? = row["open_time"] { #expect(row["open_at"] == .timestamp(time)) }
                    // (SQLite's text has whole seconds; funding times may carry milliseconds.)
                    if case .integer(let time)? = row["funding_time"], case .timestamp(let at)? = row["funding_at"] {
                        #expect(at <= time && time - at < 1000)
                    }
                }
                if statement.contains("GROUP BY") {
                    #expect(result.map { $0["bars"] } == [.integer(24), .integer(24), .integer(24)])
                    #expect(result.map { $0["dataset"] } == [.text("klines"), .text("mark_price"), .text("klines")])
                    #expect(result.first?["first"] == .timestamp(Fixtures.start))
                }
                if statement.contains("mark_price") {
                    #expect(result.first?["close"] == .number(41000.5))
                }
                if statement.hasPrefix("SELECT * FROM klines") {
                    #expect(result.contains { $0["close"] == .number(42000.5) && $0["dataset"] == .text("klines") })
                    #expect(result.allSatisfy { $0["trades"] == .integer(7) })
                }
            }
        }
    }

    /// Runs `sql` on the database behind `database` with a plain client, as a person would.
    static func run(_ sql: String, on database: any TestDatabase) async throws -> [[String: Cell]] {
        if let sqlite = database as? SQLiteTestDatabase {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: sqlite.path, configuration: configuration)
            defer { try? queue.close() }
            return try await queue.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    var cells: [String: Cell] = [:]
                    for (column, value) in row {
                        cells[column] = sqliteCell(column, value)
                    }
                    return cells
                }
            }
        }
        let postgres = try #require(database as? PostgresTestDatabase)
        return try await PostgresAdmin.withConnection(server: PostgresTestDatabase.serverURL!) { connection, logger in
            try await connection.query(
                PostgresQuery(unsafeSQL: "SET search_path TO \(postgres.schema)"), logger: logger)
            var result: [[String: Cell]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                var cells: [String: Cell] = [:]
                for cell in row {
                    cells[cell.columnName] = try postgresCell(cell)
                }
                result.append(cells)
            }
            return result
        }
    }

    /// SQLite has no timestamp type: the views' `…_at` columns are `YYYY-MM-DD HH:MM:SS` text in UTC.
    static func sqliteCell(_ column: String, _ value: DatabaseValue) -> Cell {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .number(number)
        case .string(let text):
            if timestampColumns.contains(column) {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "UTC")
                formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
                if text.count == 19, let date = formatter.date(from: text) {
                    return .timestamp(Int64((date.timeIntervalSince1970 * 1000).rounded()))
                }
            }
            return .text(text)
        case .blob: return .text("<blob>")
        }
    }

    static func postgresCell(_ cell: PostgresCell) throws -> Cell {
        if cell.bytes == nil { return .null }
        switch cell.dataType {
        case .numeric: return .number(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
        case .int8, .int4: return .integer(try cell.decode(Int64.self))
        case .timestamptz:
            return .timestamp(Int64((try cell.decode(Date.self).timeIntervalSince1970 * 1000).rounded()))
        default: return .text(try cell.decode(String.self))
        }
    }
}

extension ReadPathTests.Cell {
    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}
