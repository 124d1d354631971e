import CSQLite
import Core

/// One SQLite handle with its prepared statements, kept by SQL text so a repeated query is parsed
/// once per connection.
final class SQLiteConnection: SQLConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private var broken = false

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { self.close() }

    var dialect: SQLDialect { .sqlite }
    var isUsable: Bool { self.handle != nil && !self.broken }

    func query(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> [SQLRow] {
        let statement = try self.prepare(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try self.bind(binds, to: statement)
        let columnCount = Int(sqlite3_column_count(statement))
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        var rows: [SQLRow] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw self.error(status) }
            rows.append(SQLRow(columns: columns, values: (0..<columnCount).map { Self.value(statement, Int32($0)) }))
        }
    }

    func execute(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> Int {
        _ = try self.query(sql, binds)
        return Int(sqlite3_changes(self.handle))
    }

    func executeScript(_ sql: String) throws(SQLError) {
        guard let handle = self.handle else { throw SQLError(.unavailable, "connection closed") }
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw self.error(status) }
    }

    func begin() throws(SQLError) {
        try self.executeScript("BEGIN IMMEDIATE")
    }

    func close() {
        for statement in self.statements.values { sqlite3_finalize(statement) }
        self.statements = [:]
        if let handle = self.handle { sqlite3_close_v2(handle) }
        self.handle = nil
    }

    private func prepare(_ sql: String) throws(SQLError) -> OpaquePointer {
        if let cached = self.statements[sql] { return cached }
        guard let handle = self.handle else { throw SQLError(.unavailable, "connection closed") }
        // List filters combine into many statement texts; bound the cache so memory cannot grow.
        if self.statements.count >= SQLDialect.statementCacheSize {
            for statement in self.statements.values { sqlite3_finalize(statement) }
            self.statements = [:]
        }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(
            handle, Self.sqliteParameters(sql), -1, UInt32(SQLITE_PREPARE_PERSISTENT),
            &statement, nil)
        guard status == SQLITE_OK, let statement else { throw self.error(status) }
        self.statements[sql] = statement
        return statement
    }

    private func bind(_ binds: [SQLValue], to statement: OpaquePointer) throws(SQLError) {
        for (offset, value) in binds.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let integer): status = sqlite3_bind_int64(statement, index, integer)
            case .real(let real): status = sqlite3_bind_double(statement, index, real)
            case .text(let text):
                status = sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .blob(let bytes):
                status = bytes.withUnsafeBytes {
                    sqlite3_bind_blob64(statement, index, $0.baseAddress, sqlite3_uint64($0.count), Self.transient)
                }
            }
            guard status == SQLITE_OK else { throw self.error(status) }
        }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(cString: text))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    /// SQLite's `?NNN` is PostgreSQL's `$NNN`; statements are written once in the latter form.
    /// Quoted text is copied unchanged so a `$` inside a literal stays as it is.
    static func sqliteParameters(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count)
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                output.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                output.append(character)
            } else if character == "$" {
                output.append("?")
            } else {
                output.append(character)
            }
        }
        return output
    }

    private func error(_ status: Int32) -> SQLError {
        let message = self.handle.map { String(cString: sqlite3_errmsg($0)) } ?? "connection closed"
        let extended = self.handle.map { sqlite3_extended_errcode($0) } ?? status
        switch status & 0xFF {
        case SQLITE_CONSTRAINT:
            if extended == Self.constraintUnique || extended == Self.constraintPrimaryKey {
                return SQLError(.uniqueViolation, message, constraint: Self.constraintName(message))
            }
            return SQLError(.constraintViolation, message)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return SQLError(.conflict, message)
        case SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_READONLY:
            self.broken = status & 0xFF != SQLITE_FULL
            return SQLError(.unavailable, message)
        default:
            return SQLError(.query, message)
        }
    }

    /// `UNIQUE constraint failed: customers.email` -> `customers.email`.
    private static func constraintName(_ message: String) -> String? {
        guard let colon = message.lastIndex(of: ":") else { return nil }
        return String(message[message.index(after: colon)...]).trimmingSpaces()
    }

    // Extended result codes are function-like macros in sqlite3.h, which Swift does not import.
    private static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    private static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

    /// SQLite copies the bound bytes before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
