import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the hot paths (bulk insert, bar reads).
///
/// GRDB prepares and caches the statement; this binds and steps it without building `StatementArguments` or
/// `Row` values, which roughly halves the cost per bar. Use it only inside the database access that produced it.
struct RawStatement {
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection
    private let sql: String

    /// The cached statement for `sql` on `db`, reset and with its bindings cleared.
    init(_ db: Database, sql: String) throws {
        let statement = try db.cachedStatement(sql: sql)
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "connection is closed", sql: sql)
        }
        self.handle = statement.sqliteStatement
        self.connection = connection
        self.sql = sql
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// SQLite's "copy the bytes now" destructor (`SQLITE_TRANSIENT`).
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                // "" must bind as an empty text, not as NULL (which a nil pointer would mean).
                sqlite3_bind_text(handle, index, "", 0, RawStatement.transient)
                return
            }
            let text = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            sqlite3_bind_text(handle, index, text, Int32(buffer.count), RawStatement.transient)
        }
    }

    /// Binds `count` bytes at `text` without copying them (`SQLITE_STATIC`): the bytes must stay valid and
    /// unchanged until the statement has been stepped and reset, or rebound.
    func bindNoCopy(_ index: Int32, _ text: UnsafePointer<UInt8>, count: Int) {
        let chars = UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text(handle, index, chars, Int32(count), nil)
    }

    /// Drops every binding, so that no `bindNoCopy` pointer outlives its buffer.
    func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Runs the statement to completion (for statements without results) and returns the rows it changed.
    @discardableResult
    func execute() throws -> Int {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
        return Int(sqlite3_changes(connection))
    }

    /// Steps once: true when a row is available, false when done. Call `reset()` when finished early.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        sqlite3_reset(handle)
        throw error(code)
    }

    func reset() {
        sqlite3_reset(handle)
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : text(column)
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }
}
