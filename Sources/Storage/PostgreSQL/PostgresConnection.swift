import CLibPQ

/// One libpq connection in non-blocking mode, with its prepared statements kept by SQL text so a
/// repeated statement is parsed and planned once per connection.
///
/// Every call waits for the server at most ``queryTimeout`` (see `roundTrip`). A call that gives up
/// leaves the server's answer unread, so the connection is marked abandoned and the pool closes it.
final class PostgresConnection: SQLConnection {
    var handle: OpaquePointer?
    /// Set when a call stopped waiting before the server finished answering.
    var abandoned = false
    let queryTimeout: Duration
    /// Statement names by SQL text.
    private var statements: [String: String] = [:]
    private var nextStatement = 0

    init(handle: OpaquePointer, queryTimeout: Duration) {
        self.handle = handle
        self.queryTimeout = queryTimeout
    }

    deinit { self.close() }

    var dialect: SQLDialect { .postgresql }

    /// A failed statement leaves the transaction `INERROR`, which is fine (the pool rolls it back);
    /// `ACTIVE` means an answer is still on its way and `UNKNOWN` a broken connection.
    var isUsable: Bool {
        guard let handle = self.handle, !self.abandoned, PQstatus(handle) == CONNECTION_OK else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_IDLE || status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    func query(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> [SQLRow] {
        try self.run(sql, binds).rows()
    }

    func execute(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> Int {
        try self.run(sql, binds).affectedRows
    }

    /// The simple-query protocol, the only one that takes several statements in one string.
    func executeScript(_ sql: String) throws(SQLError) {
        let results = try self.roundTrip(until: .now + self.queryTimeout) { PQsendQuery($0, sql) }
        _ = try self.lastResult(of: results)
    }

    func begin() throws(SQLError) {
        try self.executeScript("BEGIN")
    }

    func close() {
        if let handle = self.handle { PQfinish(handle) }
        self.handle = nil
        self.statements = [:]
    }

    /// Prepares `sql` if this connection has not yet, then runs it; both share one deadline.
    private func run(_ sql: String, _ binds: [SQLValue]) throws(SQLError) -> PostgresResult {
        let deadline = ContinuousClock.now + self.queryTimeout
        let name = try self.prepared(sql, until: deadline)
        let parameters = PostgresParameters(binds)
        let results = try self.roundTrip(until: deadline) { handle in
            parameters.withUnsafeArrays { values, lengths, formats in
                PQsendQueryPrepared(handle, name, parameters.count, values, lengths, formats, 0)
            }
        }
        do {
            return try self.lastResult(of: results)
        } catch {
            // A plan whose result columns changed under it (ALTER TABLE behind `SELECT *`) fails for as
            // long as it lives: forget it, so the next call prepares the statement afresh.
            if error.kind == .query && error.message.hasPrefix("cached plan must not change result type") {
                self.statements[sql] = nil
            }
            throw error
        }
    }

    private func prepared(_ sql: String, until deadline: ContinuousClock.Instant) throws(SQLError) -> String {
        if let name = self.statements[sql] { return name }
        // List filters combine into many statement texts; bound what the server keeps per session.
        if self.statements.count >= SQLDialect.statementCacheSize {
            try self.executeScript("DEALLOCATE ALL")
            self.statements = [:]
        }
        let name = "switchboard_\(self.nextStatement)"
        self.nextStatement += 1
        let results = try self.roundTrip(until: deadline) { PQsendPrepare($0, name, sql, 0, nil) }
        _ = try self.lastResult(of: results)
        self.statements[sql] = name
        return name
    }

    /// The statement's own result, the last one; the first error among them, if any, is thrown.
    private func lastResult(of results: [PostgresResult]) throws(SQLError) -> PostgresResult {
        guard let handle = self.handle else { throw SQLError(.unavailable, "the connection is closed") }
        if let failed = results.first(where: \.isError) {
            throw SQLError.postgres(result: failed.pointer, connection: handle)
        }
        guard let last = results.last else { throw SQLError(.query, "PostgreSQL returned no result") }
        return last
    }
}
