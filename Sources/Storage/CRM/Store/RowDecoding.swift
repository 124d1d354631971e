import Core

/// Rows to records. A stored value outside its vocabulary is a corrupt row, reported as a query
/// error rather than trapping.
extension SQLRow {
    func timestamp(_ column: String) throws(SQLError) -> Timestamp {
        Timestamp(microseconds: try self.integer(column))
    }

    func optionalTimestamp(_ column: String) throws(SQLError) -> Timestamp? {
        try self.optionalInteger(column).map(Timestamp.init(microseconds:))
    }

    func vocabulary<T: RawRepresentable>(_ column: String, _ type: T.Type) throws(SQLError) -> T
    where T.RawValue == String {
        guard let value = T(rawValue: try self.text(column)) else {
            throw SQLError(.query, "column \(column) holds an unknown \(T.self)")
        }
        return value
    }
}

/// A record stored in one table: what ``CRMTransaction/fetch(_:_:column:)`` needs to read it back.
protocol StoredRecord {
    static var table: String { get }
    /// The name errors use (`no ticket has the id ...`).
    static var resource: String { get }
    static var columns: String { get }
    init(row: SQLRow) throws(SQLError)
}

extension CRMTransaction {
    /// The record whose `column` is `value`, or ``CRMError/notFound(resource:id:)``.
    func fetch<Record: StoredRecord>(_ type: Record.Type, _ value: String, column: String = "id") throws -> Record {
        let sql = "SELECT \(Record.columns) FROM \(Record.table) WHERE \(column) = $1"
        guard let row = try self.connection.query(sql, .text(value)).first else {
            throw CRMError.notFound(resource: Record.resource, id: value)
        }
        return try Record(row: row)
    }
}

extension Ticket: StoredRecord {
    static let table = "tickets"
    static let resource = "ticket"
    static let columns =
        "id, subject, status, priority, channel, customer_id, assignee_id, tags, version, created_at, updated_at, archived_at"

    init(row: SQLRow) throws(SQLError) {
        let tags = try row.text("tags")
        self.init(
            id: try row.text("id"),
            subject: try row.text("subject"),
            status: try row.vocabulary("status", TicketStatus.self),
            priority: try row.vocabulary("priority", TicketPriority.self),
            channel: try row.vocabulary("channel", Channel.self),
            customerID: try row.text("customer_id"),
            assigneeID: try row.optionalText("assignee_id"),
            tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init),
            version: try row.integer("version"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"),
            archivedAt: try row.optionalTimestamp("archived_at")
        )
    }
}

extension Message: StoredRecord {
    static let table = "messages"
    static let resource = "message"
    static let columns = "id, ticket_id, author_type, author_id, body, direction, channel, created_at"

    init(row: SQLRow) throws(SQLError) {
        self.init(
            id: try row.text("id"),
            ticketID: try row.text("ticket_id"),
            authorType: try row.vocabulary("author_type", AuthorType.self),
            authorID: try row.text("author_id"),
            body: try row.text("body"),
            direction: try row.vocabulary("direction", MessageDirection.self),
            channel: try row.vocabulary("channel", Channel.self),
            createdAt: try row.timestamp("created_at")
        )
    }
}

extension Customer: StoredRecord {
    static let table = "customers"
    static let resource = "customer"
    static let columns = "id, name, email, phone, version, created_at, updated_at"

    init(row: SQLRow) throws(SQLError) {
        self.init(
            id: try row.text("id"),
            name: try row.text("name"),
            email: try row.optionalText("email"),
            phone: try row.optionalText("phone"),
            version: try row.integer("version"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at")
        )
    }
}

extension Agent: StoredRecord {
    static let table = "agents"
    static let resource = "agent"
    static let columns = "id, name, email, active, version, created_at, updated_at"

    init(row: SQLRow) throws(SQLError) {
        self.init(
            id: try row.text("id"),
            name: try row.text("name"),
            email: try row.text("email"),
            active: try row.bool("active"),
            version: try row.integer("version"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at")
        )
    }
}

extension CallRecord: StoredRecord {
    static let table = "calls"
    static let resource = "call"
    static let columns = """
        id, call_sid, stream_sid, account_sid, app, status, ticket_id, started_at, ended_at, duration_ms, \
        end_reason, media_received, media_sent, messages_lost, receive_dropped, send_dropped, dtmf, recording_path
        """

    init(row: SQLRow) throws(SQLError) {
        self.init(
            id: try row.text("id"),
            callSid: try row.text("call_sid"),
            streamSid: try row.text("stream_sid"),
            accountSid: try row.optionalText("account_sid"),
            app: try row.text("app"),
            status: try row.vocabulary("status", CallRecord.Status.self),
            ticketID: try row.optionalText("ticket_id"),
            startedAt: try row.timestamp("started_at"),
            endedAt: try row.optionalTimestamp("ended_at"),
            durationMilliseconds: try row.optionalInteger("duration_ms"),
            endReason: try row.optionalText("end_reason"),
            mediaReceived: try row.optionalInteger("media_received"),
            mediaSent: try row.optionalInteger("media_sent"),
            messagesLost: try row.optionalInteger("messages_lost"),
            receiveDropped: try row.optionalInteger("receive_dropped"),
            sendDropped: try row.optionalInteger("send_dropped"),
            dtmf: try row.optionalText("dtmf"),
            recordingPath: try row.optionalText("recording_path")
        )
    }
}

extension AuditEntry: StoredRecord {
    static let table = "audit_log"
    static let resource = "audit entry"
    static let columns = "id, at, actor, actor_role, action, entity_type, entity_id, changes"

    init(row: SQLRow) throws(SQLError) {
        self.init(
            id: try row.text("id"),
            at: try row.timestamp("at"),
            actor: AuditActor(id: try row.text("actor"), role: try row.text("actor_role")),
            action: try row.text("action"),
            entityType: try row.text("entity_type"),
            entityID: try row.text("entity_id"),
            changes: AuditChange.decode(try row.text("changes"))
        )
    }
}
