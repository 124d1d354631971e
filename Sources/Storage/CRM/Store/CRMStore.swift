import Core

/// The CRM's rows, on either database. Each public method is one transaction; changes write their
/// audit entry in the same transaction, so the log never disagrees with the data.
public struct CRMStore: Sendable {
    public let database: SQLDatabase

    public init(database: SQLDatabase) {
        self.database = database
    }

    /// Runs `body` as one write transaction with the helpers every change uses.
    func write<T: Sendable>(
        by actor: AuditActor,
        _ body: @escaping @Sendable (inout CRMTransaction) throws -> T
    ) async throws -> T {
        try await self.database.transaction { connection in
            var transaction = CRMTransaction(connection: connection, actor: actor, now: .now())
            return try body(&transaction)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (CRMTransaction) throws -> T) async throws -> T {
        try await self.database.read { connection in
            try body(CRMTransaction(connection: connection, actor: .system, now: .now()))
        }
    }
}

/// One transaction's connection, caller and clock: the synchronous building blocks that the
/// store's operations (and the support intake, which makes three rows at once) are built from.
struct CRMTransaction {
    let connection: any SQLConnection
    let actor: AuditActor
    /// One instant per transaction, so every row it writes has the same time.
    let now: Timestamp

    func audit(_ action: String, _ entityType: String, _ entityID: String, _ changes: [AuditChange]) throws {
        try self.connection.execute(
            """
            INSERT INTO audit_log (id, at, actor, actor_role, action, entity_type, entity_id, changes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            .text(ResourceID.make("aud", at: self.now)), .integer(self.now.microseconds), .text(self.actor.id),
            .text(self.actor.role), .text(action), .text(entityType), .text(entityID),
            .text(AuditChange.encode(changes)))
    }
}
