import Core

/// What a ticket change did, so the caller publishes the matching events.
public struct TicketChangeResult: Sendable, Hashable {
    public var ticket: Ticket
    /// Fields other than the assignee changed (`ticket.updated`).
    public var updated: Bool
    /// The assignee changed (`ticket.assigned`).
    public var assigned: Bool
}

extension CRMStore {
    public func createTicket(_ draft: TicketDraft, by actor: AuditActor) async throws -> Ticket {
        try await self.write(by: actor) { try $0.createTicket(draft) }
    }

    public func ticket(id: String) async throws -> Ticket {
        try await self.read { try $0.ticket(id: id) }
    }

    public func tickets(_ query: TicketQuery) async throws -> Page<Ticket> {
        try await self.read { transaction in
            var builder = SQLBuilder("SELECT \(Ticket.columns) FROM tickets t")
            builder.condition(query.archived ? "archived_at IS NOT NULL" : "archived_at IS NULL")
            builder.condition("status", in: query.statuses.map(\.rawValue))
            builder.condition("priority", in: query.priorities.map(\.rawValue))
            builder.condition("channel", in: query.channels.map(\.rawValue))
            switch query.assigneeID {
            case .none: break
            case .some(.none): builder.condition("assignee_id IS NULL")
            case .some(.some(let id)): builder.condition("assignee_id = \(builder.bind(.text(id)))")
            }
            if let customer = query.customerID { builder.condition("customer_id = \(builder.bind(.text(customer)))") }
            if let tag = query.tag {
                builder.condition(
                    "EXISTS (SELECT 1 FROM ticket_tags g WHERE g.ticket_id = t.id AND g.tag = \(builder.bind(.text(tag))))"
                )
            }
            if let text = query.text {
                let pattern = builder.bind(.text(SQLBuilder.containsPattern(text)))
                builder.condition(
                    """
                    (lower(subject) LIKE \(pattern) ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m \
                    WHERE m.ticket_id = t.id AND lower(m.body) LIKE \(pattern) ESCAPE '\\'))
                    """)
            }
            if let from = query.createdFrom {
                builder.condition("created_at >= \(builder.bind(.integer(from.microseconds)))")
            }
            if let before = query.createdBefore {
                builder.condition("created_at < \(builder.bind(.integer(before.microseconds)))")
            }
            let sort = query.sort
            return try transaction.page(
                &builder, sort: sort.rawValue, column: sort.column, descending: sort.isDescending, limit: query.limit,
                cursor: query.cursor, decode: Ticket.init(row:),
                key: { ticket in
                    switch sort {
                    case .createdAscending, .createdDescending: (ticket.createdAt.microseconds, ticket.id)
                    case .updatedAscending, .updatedDescending: (ticket.updatedAt.microseconds, ticket.id)
                    case .priorityAscending, .priorityDescending: (ticket.priority.rank, ticket.id)
                    }
                })
        }
    }

    /// Applies a `PATCH` if the ticket is still at `expectedVersion` (`nil`: whatever it is now).
    public func updateTicket(
        id: String, _ changes: TicketChanges, expectedVersion: Int64?, by actor: AuditActor
    ) async throws -> TicketChangeResult {
        try await self.write(by: actor) { transaction in
            let old = try transaction.ticket(id: id)
            if let expectedVersion, old.version != expectedVersion {
                throw CRMError.versionMismatch(current: old.version)
            }
            guard old.archivedAt == nil else {
                throw CRMError.conflict(field: "id", detail: "ticket \(id) is archived and cannot change")
            }
            var new = old
            if let subject = changes.subject { new.subject = subject }
            if let status = changes.status { new.status = status }
            if let priority = changes.priority { new.priority = priority }
            if let tags = changes.tags { new.tags = Ticket.normalised(tags) }
            if let assignee = changes.assigneeID {
                if let assignee, assignee != old.assigneeID {
                    _ = try transaction.assignableAgent(id: assignee, field: "assignee_id")
                }
                new.assigneeID = assignee
            }
            let fieldChanges =
                AuditChange.diff("subject", old.subject, new.subject)
                + AuditChange.diff("status", old.status.rawValue, new.status.rawValue)
                + AuditChange.diff("priority", old.priority.rawValue, new.priority.rawValue)
                + AuditChange.diff("tags", old.tags.joined(separator: ","), new.tags.joined(separator: ","))
            let assigneeChanges = AuditChange.diff("assignee_id", old.assigneeID, new.assigneeID)
            guard !fieldChanges.isEmpty || !assigneeChanges.isEmpty else {
                return TicketChangeResult(ticket: old, updated: false, assigned: false)
            }
            new.version += 1
            new.updatedAt = transaction.now
            let changed = try transaction.connection.execute(
                """
                UPDATE tickets SET subject = $1, status = $2, priority = $3, priority_rank = $4, assignee_id = $5,
                tags = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10
                """,
                .text(new.subject), .text(new.status.rawValue), .text(new.priority.rawValue),
                .integer(new.priority.rank), SQLValue(new.assigneeID), .text(new.tags.joined(separator: ",")),
                .integer(new.version), .integer(new.updatedAt.microseconds), .text(id), .integer(old.version))
            try transaction.requireUnchanged(changed, table: "tickets", id: id)
            if new.tags != old.tags { try transaction.replaceTags(ticketID: id, new.tags) }
            if !fieldChanges.isEmpty { try transaction.audit("ticket.updated", "ticket", id, fieldChanges) }
            if !assigneeChanges.isEmpty { try transaction.audit("ticket.assigned", "ticket", id, assigneeChanges) }
            return TicketChangeResult(ticket: new, updated: !fieldChanges.isEmpty, assigned: !assigneeChanges.isEmpty)
        }
    }

    /// `DELETE`: archives the ticket (its rows stay). Archiving twice is a no-op that returns it.
    public func archiveTicket(id: String, expectedVersion: Int64?, by actor: AuditActor) async throws -> (
        ticket: Ticket, changed: Bool
    ) {
        try await self.write(by: actor) { transaction in
            var ticket = try transaction.ticket(id: id)
            if let expectedVersion, expectedVersion != ticket.version {
                throw CRMError.versionMismatch(current: ticket.version)
            }
            guard ticket.archivedAt == nil else { return (ticket, false) }
            // Guarded like `updateTicket`: on PostgreSQL (read committed) another writer may commit
            // between the read and this update, and its version must not be reused.
            var sql = """
                UPDATE tickets SET archived_at = $1, updated_at = $1, version = version + 1
                WHERE id = $2 AND archived_at IS NULL
                """
            var binds: [SQLValue] = [.integer(transaction.now.microseconds), .text(id)]
            if let expectedVersion {
                sql += " AND version = $3"
                binds.append(.integer(expectedVersion))
            }
            let changed = try transaction.connection.execute(sql, binds)
            ticket = try transaction.ticket(id: id)
            guard changed == 1 else {
                if expectedVersion == nil, ticket.archivedAt != nil { return (ticket, false) }
                throw CRMError.versionMismatch(current: ticket.version)
            }
            try transaction.audit(
                "ticket.archived", "ticket", id,
                [AuditChange(field: "archived_at", from: nil, to: transaction.now.rfc3339)])
            return (ticket, true)
        }
    }
}

extension Ticket {
    /// Tags as stored: lower-case, unique, sorted.
    public static func normalised(_ tags: [String]) -> [String] {
        Array(Set(tags.map { $0.lowercased() })).sorted()
    }
}

extension CRMTransaction {
    func ticket(id: String) throws -> Ticket {
        try self.fetch(Ticket.self, id)
    }

    func createTicket(_ draft: TicketDraft) throws -> Ticket {
        do {
            _ = try self.customer(id: draft.customerID)
        } catch CRMError.notFound {
            throw CRMError.invalid(field: "customer_id", detail: "no customer has the id \(draft.customerID)")
        }
        if let assignee = draft.assigneeID { _ = try self.assignableAgent(id: assignee, field: "assignee_id") }
        let ticket = Ticket(
            id: ResourceID.make("tkt", at: self.now), subject: draft.subject, status: draft.status,
            priority: draft.priority, channel: draft.channel, customerID: draft.customerID,
            assigneeID: draft.assigneeID, tags: Ticket.normalised(draft.tags), version: 1, createdAt: self.now,
            updatedAt: self.now, archivedAt: nil)
        try self.connection.execute(
            """
            INSERT INTO tickets (id, subject, status, priority, priority_rank, channel, customer_id, assignee_id, tags,
            version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)
            """,
            .text(ticket.id), .text(ticket.subject), .text(ticket.status.rawValue), .text(ticket.priority.rawValue),
            .integer(ticket.priority.rank), .text(ticket.channel.rawValue), .text(ticket.customerID),
            SQLValue(ticket.assigneeID), .text(ticket.tags.joined(separator: ",")), .integer(self.now.microseconds))
        try self.replaceTags(ticketID: ticket.id, ticket.tags)
        try self.audit(
            "ticket.created", "ticket", ticket.id,
            [
                AuditChange(field: "subject", from: nil, to: ticket.subject),
                AuditChange(field: "status", from: nil, to: ticket.status.rawValue),
                AuditChange(field: "priority", from: nil, to: ticket.priority.rawValue),
                AuditChange(field: "channel", from: nil, to: ticket.channel.rawValue),
                AuditChange(field: "customer_id", from: nil, to: ticket.customerID),
            ] + AuditChange.diff("assignee_id", nil, ticket.assigneeID)
                + AuditChange.diff("tags", nil, ticket.tags.isEmpty ? nil : ticket.tags.joined(separator: ",")))
        return ticket
    }

    func replaceTags(ticketID: String, _ tags: [String]) throws {
        try self.connection.execute("DELETE FROM ticket_tags WHERE ticket_id = $1", .text(ticketID))
        for tag in tags {
            try self.connection.execute(
                "INSERT INTO ticket_tags (ticket_id, tag) VALUES ($1, $2)", .text(ticketID), .text(tag))
        }
    }

    /// Bumps the ticket's version for a change that is not a ticket field (a new message), and
    /// returns the ticket as it now is.
    func touchTicket(_ ticket: Ticket) throws -> Ticket {
        // `version + 1` in SQL rather than the version read earlier: on PostgreSQL (read committed)
        // a PATCH may commit in between, and both changes would claim the same version.
        try self.connection.execute(
            "UPDATE tickets SET version = version + 1, updated_at = $1 WHERE id = $2",
            .integer(self.now.microseconds), .text(ticket.id))
        return try self.ticket(id: ticket.id)
    }
}
