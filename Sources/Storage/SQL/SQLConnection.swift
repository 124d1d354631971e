/// The two SQL dialects. Statements are written once, with PostgreSQL's `$1` placeholders, in the
/// subset both speak (`ON CONFLICT`, `RETURNING`, `LIMIT`); the SQLite connection rewrites `$n` to
/// its equivalent `?n`.
public enum SQLDialect: String, Sendable, Hashable {
    case sqlite
    case postgresql

    /// Prepared statements a connection keeps; past it the cache starts over.
    static let statementCacheSize = 256
}

/// One open connection, used by one thread at a time (the pool hands it to exactly one job).
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs a statement and returns its rows (none for statements without results).
    func query(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> [SQLRow]

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> Int

    /// Runs several `;`-separated statements without parameters (migrations).
    func executeScript(_ sql: String) throws(SQLError)

    /// Opens a write transaction (SQLite takes the write lock up front with `BEGIN IMMEDIATE`, so two
    /// writers never deadlock upgrading read locks).
    func begin() throws(SQLError)

    /// Whether the connection can still be used; a broken one is closed instead of returned to the pool.
    var isUsable: Bool { get }

    func close()
}

extension SQLConnection {
    public func query(_ sql: String, _ binds: SQLValue...) throws(SQLError) -> [SQLRow] {
        try self.query(sql, binds)
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: SQLValue...) throws(SQLError) -> Int {
        try self.execute(sql, binds)
    }

    public func commit() throws(SQLError) { try self.executeScript("COMMIT") }
    public func rollback() throws(SQLError) { try self.executeScript("ROLLBACK") }
}

/// Opens connections for the pool. Its `description` names the database without credentials.
public protocol SQLConnector: Sendable, CustomStringConvertible {
    var dialect: SQLDialect { get }
    func connect() throws(SQLError) -> any SQLConnection
}
