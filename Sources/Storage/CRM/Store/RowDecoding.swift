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

extension Ticket {
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

extension Message {
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

extension Customer {
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

extension Agent {
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

extension CallRecord {
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

extension AuditEntry {
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
