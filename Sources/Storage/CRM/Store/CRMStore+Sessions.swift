import Core

extension CRMStore {
    /// Writes the row of a session that is over. A session is recorded once: a second write of the
    /// same id (a retry after a lost answer) changes nothing and returns `false`.
    @discardableResult
    public func recordSession(_ record: SessionRecord) async throws -> Bool {
        try await self.database.transaction { connection in
            let inserted = try connection.execute(
                """
                INSERT INTO sessions (\(SessionRecord.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (id) DO NOTHING
                """,
                .text(record.id), .text(record.agentID), .text(record.client),
                .integer(record.startedAt.microseconds), .integer(record.lastHeartbeatAt.microseconds),
                .integer(record.endedAt.microseconds), .real(record.activeSeconds), .text(record.endReason.rawValue),
                .text(record.presence.rawValue))
            return inserted == 1
        }
    }

    public func sessionRecord(id: String) async throws -> SessionRecord {
        try await self.read { try $0.fetch(SessionRecord.self, id) }
    }

    /// An agent's recorded sessions, newest first.
    public func sessionRecords(agentID: String, limit: Int = 100) async throws -> [SessionRecord] {
        try await self.read { transaction in
            try transaction.connection.query(
                "SELECT \(SessionRecord.columns) FROM sessions WHERE agent_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
                .text(agentID), .integer(Int64(limit))
            ).map { row throws(SQLError) in try SessionRecord(row: row) }
        }
    }
}
