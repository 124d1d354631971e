/// One result row. Columns are read by name; the accessors convert between the text a backend may
/// return and the Swift type asked for, and throw (never trap) on a mismatch.
public struct SQLRow: Sendable, Hashable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ column: String) -> SQLValue {
        guard let index = self.columns.firstIndex(of: column) else { return .null }
        return self.values[index]
    }

    public func optionalText(_ column: String) throws(SQLError) -> String? {
        switch self[column] {
        case .null: return nil
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .real(let value): return String(value)
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    public func text(_ column: String) throws(SQLError) -> String {
        guard let text = try self.optionalText(column) else { throw .missingColumn(column) }
        return text
    }

    public func optionalInteger(_ column: String) throws(SQLError) -> Int64? {
        switch self[column] {
        case .null: return nil
        case .integer(let value): return value
        case .real(let value) where value.rounded() == value: return Int64(value)
        case .text(let text):
            guard let value = Int64(text) else { throw .wrongType(column, expected: "an integer") }
            return value
        default: throw .wrongType(column, expected: "an integer")
        }
    }

    public func integer(_ column: String) throws(SQLError) -> Int64 {
        guard let value = try self.optionalInteger(column) else { throw .missingColumn(column) }
        return value
    }

    public func optionalReal(_ column: String) throws(SQLError) -> Double? {
        switch self[column] {
        case .null: return nil
        case .integer(let value): return Double(value)
        case .real(let value): return value
        case .text(let text):
            guard let value = Double(text) else { throw .wrongType(column, expected: "a number") }
            return value
        case .blob: throw .wrongType(column, expected: "a number")
        }
    }

    public func real(_ column: String) throws(SQLError) -> Double {
        guard let value = try self.optionalReal(column) else { throw .missingColumn(column) }
        return value
    }

    /// Booleans are stored as integers 0/1 (SQLite has no boolean; PostgreSQL `boolean` comes back
    /// as `t`/`f` text).
    public func bool(_ column: String) throws(SQLError) -> Bool {
        switch self[column] {
        case .integer(let value): return value != 0
        case .text("t"), .text("true"), .text("1"): return true
        case .text("f"), .text("false"), .text("0"): return false
        case .null: throw .missingColumn(column)
        default: throw .wrongType(column, expected: "a boolean")
        }
    }
}
