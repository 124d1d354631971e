import Core

extension CRMStore {
    /// Adds a message and bumps the ticket's version; returns both.
    public func createMessage(ticketID: String, _ draft: MessageDraft, by actor: AuditActor) async throws -> (
        message: Message, ticket: Ticket
    ) {
        try await self.write(by: actor) { try $0.createMessage(ticketID: ticketID, draft) }
    }

    public func message(id: String) async throws -> Message {
        try await self.read { try $0.fetch(Message.self, id) }
    }

    /// A ticket's messages, oldest first by default (a conversation reads forwards).
    public func messages(ticketID: String, _ query: ListQuery) async throws -> Page<Message> {
        try await self.read { transaction in
            _ = try transaction.ticket(id: ticketID)
            var builder = SQLBuilder("SELECT \(Message.columns) FROM messages")
            builder.condition("ticket_id = \(builder.bind(.text(ticketID)))")
            return try transaction.page(
                &builder, sort: query.sortName, column: "created_at", descending: !query.ascending,
                limit: query.limit, cursor: query.cursor, decode: Message.init(row:),
                key: { ($0.createdAt.microseconds, $0.id) })
        }
    }
}

extension CRMTransaction {
    /// - Parameter touch: bump the ticket's version; a ticket's first message, made with it, does not.
    func createMessage(ticketID: String, _ draft: MessageDraft, touch: Bool = true) throws -> (
        message: Message, ticket: Ticket
    ) {
        let ticket = try self.ticket(id: ticketID)
        guard ticket.archivedAt == nil else {
            throw CRMError.conflict(field: "ticket_id", detail: "ticket \(ticketID) is archived")
        }
        let authorID: String
        switch draft.authorType {
        case .agent:
            guard let id = draft.authorID else {
                throw CRMError.invalid(field: "author_id", detail: "an agent message needs the agent's id")
            }
            do {
                _ = try self.agent(id: id)
            } catch CRMError.notFound {
                throw CRMError.invalid(field: "author_id", detail: "no agent has the id \(id)")
            }
            authorID = id
        case .customer:
            let id = draft.authorID ?? ticket.customerID
            guard id == ticket.customerID else {
                throw CRMError.invalid(field: "author_id", detail: "\(id) is not this ticket's customer")
            }
            authorID = id
        }
        let message = Message(
            id: ResourceID.make("msg", at: self.now), ticketID: ticketID, authorType: draft.authorType,
            authorID: authorID, body: draft.body,
            direction: draft.direction ?? (draft.authorType == .customer ? .inbound : .outbound),
            channel: draft.channel ?? ticket.channel, createdAt: self.now)
        try self.connection.execute(
            "INSERT INTO messages (\(Message.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            .text(message.id), .text(ticketID), .text(message.authorType.rawValue), .text(authorID),
            .text(message.body), .text(message.direction.rawValue), .text(message.channel.rawValue),
            .integer(self.now.microseconds))
        let touched = touch ? try self.touchTicket(ticket) : ticket
        try self.audit(
            "message.created", "message", message.id,
            [
                AuditChange(field: "ticket_id", from: nil, to: ticketID),
                AuditChange(field: "author_type", from: nil, to: message.authorType.rawValue),
                AuditChange(field: "author_id", from: nil, to: authorID),
            ])
        return (message, touched)
    }
}
