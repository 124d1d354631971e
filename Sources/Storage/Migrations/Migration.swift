/// One step of the schema, applied once, in order, in its own transaction. The SQL is the subset
/// SQLite and PostgreSQL share (TEXT, BIGINT, DOUBLE PRECISION, row values), so there is one list.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
