import Foundation
import GRDBSQLite

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Looks at a database path before klinesync opens it for real, without writing anything: no journal-mode switch,
/// no `-wal`, `-shm` or `.lock` file, not a byte of the file changed. Only a file klinesync made may be opened
/// read-write; anything else (someone else's SQLite database, an empty or non-SQLite file, a directory, an
/// unreadable file) is refused with a `SQLiteStoreError` that says what it is and what to do.
public enum SQLiteFile {
    /// What is at the path.
    public enum State: Sendable, Hashable {
        /// Nothing: a new database may be created there.
        case absent
        /// A klinesync database (its `meta` table has a lineage id) at this schema version.
        case klinesync(version: Int)
    }

    /// Inspects `path`; throws `SQLiteStoreError` for anything that is not absent and not a klinesync database.
    public static func inspect(_ path: String) throws -> State {
        var info = stat()
        if stat(path, &info) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return .absent }
            throw SQLiteStoreError.cannotOpen(path: path, reason: "it cannot be reached (\(systemReason(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw SQLiteStoreError.cannotOpen(path: path, reason: "it is a directory")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw SQLiteStoreError.cannotOpen(
                path: path,
                reason: "the file cannot be read (\(systemReason(errno))); give this user read and write access to it")
        }
        var header = [UInt8](repeating: 0, count: 16)
        let count = read(fd, &header, 16)
        close(fd)
        if count == 0 {
            throw SQLiteStoreError.cannotOpen(
                path: path,
                reason: "it is an empty file (0 bytes), not a klinesync database; remove it, or point the manifest's "
                    + "`database` at another file")
        }
        guard count == 16, header == Array("SQLite format 3\0".utf8) else {
            throw SQLiteStoreError.cannotOpen(path: path, reason: "file is not a database")
        }
        // `immutable=1` reads the file as it is, taking no lock and making no side file. A database with a `-wal`
        // file (its last commits may be there only, or a writer may be checkpointing) is read again through
        // SQLite's normal read-only open, with locks; its side files are already there then.
        let immutable = Result { try klinesyncVersion(path, immutable: true) }
        if case .success(let version?) = immutable { return .klinesync(version: version) }
        if FileManager.default.fileExists(atPath: path + "-wal") {
            if let version = try klinesyncVersion(path, immutable: false) { return .klinesync(version: version) }
        } else if case .failure(let error) = immutable {
            throw error
        }
        throw SQLiteStoreError.foreignDatabase(path: path)
    }

    /// The schema version when the file has klinesync's `meta` table with a lineage id, else nil.
    static func klinesyncVersion(_ path: String, immutable: Bool) throws -> Int? {
        var components = URLComponents()
        components.scheme = "file"
        components.path = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        components.queryItems = [URLQueryItem(name: "mode", value: "ro")]
        if immutable { components.queryItems?.append(URLQueryItem(name: "immutable", value: "1")) }
        guard let uri = components.string else {
            throw SQLiteStoreError.cannotOpen(path: path, reason: "the path cannot be written as a file URI")
        }
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        guard sqlite3_open_v2(uri, &handle, flags, nil) == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            throw SQLiteStoreError.cannotOpen(path: path, reason: message)
        }
        sqlite3_busy_timeout(handle, 5_000)
        let tables = try strings(
            handle, path: path, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'")
        guard !tables.isEmpty else { return nil }
        let rows = try strings(
            handle, path: path,
            sql: "SELECT key || '=' || value FROM meta WHERE key IN ('lineage_id', 'schema_version') ORDER BY key")
        guard rows.count == 2, rows[0].hasPrefix("lineage_id="), rows[1].hasPrefix("schema_version=") else {
            return nil
        }
        return Int(rows[1].dropFirst("schema_version=".count)) ?? 0
    }

    /// The first column of every row of `sql`, as text.
    private static func strings(_ handle: OpaquePointer, path: String, sql: String) throws -> [String] {
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            // A `meta` table of another shape is not klinesync's.
            return []
        }
        var rows: [String] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                throw SQLiteStoreError.cannotOpen(path: path, reason: String(cString: sqlite3_errmsg(handle)))
            }
            rows.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
        }
        return rows
    }

    /// The system's words for an errno value, lower case (`permission denied`).
    static func systemReason(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
