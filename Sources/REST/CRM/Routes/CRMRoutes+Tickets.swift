import Core
import Hummingbird
import Storage

extension CRMRoutes {
    /// Tags are short words: lower-case letters, digits and `-_:.`, so they read well in URLs.
    static func isValidTag(_ tag: String) -> Bool {
        tag.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_:.".unicodeScalars.contains($0)
        }
    }

    static let subjectLimit = 200
    static let tagLimit = 32
    static let tagsPerTicket = 20

    func addTickets(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/v1/tickets") { request, context in
            _ = try context.auditActor()
            let query = try Self.ticketQuery(request)
            let page = try await self.store.tickets(query)
            return try ListBody.response(
                page.items.map(TicketResource.init), nextCursor: page.nextCursor, request: request)
        }

        routes.add(.post, "/v1/tickets") { request, context in
            let actor = try context.auditActor()
            var body = try await RequestBody(request, context: context)
            let subject = body.string("subject", required: true, maxLength: Self.subjectLimit)
            let channel = body.choice("channel", Channel.self, required: true)
            let customer = body.string("customer_id", required: true, maxLength: 64)
            let status = body.choice("status", TicketStatus.self)
            let priority = body.choice("priority", TicketPriority.self)
            let assignee = body.nullableString("assignee_id", maxLength: 64)
            let tags = Self.tags(&body)
            try body.finish()
            guard let subject, let channel, let customer else {
                throw RequestBody.badRequest("subject, channel and customer_id are required", errors: nil)
            }
            var draft = TicketDraft(subject: subject, channel: channel, customerID: customer)
            draft.status = status ?? .open
            draft.priority = priority ?? .normal
            draft.assigneeID = assignee ?? nil
            draft.tags = tags ?? []
            let ticket = try await self.store.createTicket(draft, by: actor)
            self.publish(.created, ticket, actor: actor)
            if ticket.assigneeID != nil { self.publish(.assigned, ticket, actor: actor) }
            return try ResourceJSON.response(
                TicketResource(ticket), status: .created,
                headers: .resource(etag: ticket.entityTag, location: "/v1/tickets/\(ticket.id)"))
        }

        routes.add(.get, "/v1/tickets/{id}") { request, context in
            _ = try context.auditActor()
            let ticket = try await self.store.ticket(id: try context.resourceID(prefix: "tkt", resource: "ticket"))
            if Preconditions.ifNoneMatchHits(request, version: ticket.version) {
                return Response(status: .notModified, headers: .resource(etag: ticket.entityTag))
            }
            return try ResourceJSON.response(TicketResource(ticket), headers: .resource(etag: ticket.entityTag))
        }

        routes.add(.patch, "/v1/tickets/{id}") { request, context in
            let actor = try context.auditActor()
            let id = try context.resourceID(prefix: "tkt", resource: "ticket")
            let expectation = try Preconditions.requiredIfMatch(request)
            var body = try await RequestBody(request, context: context)
            var changes = TicketChanges()
            changes.subject = body.string("subject", maxLength: Self.subjectLimit)
            changes.status = body.choice("status", TicketStatus.self)
            changes.priority = body.choice("priority", TicketPriority.self)
            changes.assigneeID = body.nullableString("assignee_id", maxLength: 64)
            changes.tags = Self.tags(&body)
            try body.finish()
            let expected = try await self.expectedVersion(expectation, ticketID: id)
            let result = try await self.store.updateTicket(id: id, changes, expectedVersion: expected, by: actor)
            if result.updated { self.publish(.updated, result.ticket, actor: actor) }
            if result.assigned { self.publish(.assigned, result.ticket, actor: actor) }
            return try ResourceJSON.response(
                TicketResource(result.ticket), headers: .resource(etag: result.ticket.entityTag))
        }

        routes.add(.delete, "/v1/tickets/{id}") { request, context in
            let actor = try context.auditActor()
            let id = try context.resourceID(prefix: "tkt", resource: "ticket")
            let expected = try await self.expectedVersion(try Preconditions.ifMatch(request), ticketID: id)
            let (ticket, changed) = try await self.store.archiveTicket(id: id, expectedVersion: expected, by: actor)
            if changed { self.publish(.archived, ticket, actor: actor) }
            return try ResourceJSON.response(TicketResource(ticket), headers: .resource(etag: ticket.entityTag))
        }
    }

    /// The one version the store checks for `If-Match`. With several tags, the ticket's current
    /// version when it is among them, so that any listed tag matches (RFC 9110 section 13.1.1).
    func expectedVersion(_ expectation: Preconditions.Expectation?, ticketID: String) async throws -> Int64? {
        guard case .versions(let versions) = expectation, versions.count > 1 else {
            return Preconditions.expectedVersion(expectation)
        }
        let current = try await self.store.ticket(id: ticketID).version
        return Preconditions.expectedVersion(expectation, current: current)
    }

    static func tags(_ body: inout RequestBody) -> [String]? {
        body.stringArray(
            "tags", maxCount: Self.tagsPerTicket, maxLength: Self.tagLimit,
            rule: "a tag (lower-case letters, digits and - _ : .)", isValid: { Self.isValidTag($0.lowercased()) }
        )
    }

    static func ticketQuery(_ request: Request) throws -> TicketQuery {
        var parameters = QueryParameters(request)
        var query = TicketQuery()
        query.statuses = parameters.choices("status", TicketStatus.self)
        query.priorities = parameters.choices("priority", TicketPriority.self)
        query.channels = parameters.choices("channel", Channel.self)
        if let assignee = parameters.string("assignee", "assignee_id", maxLength: 64) {
            query.assigneeID = .some(assignee == "none" ? nil : assignee)
        }
        query.customerID = parameters.string("customer", "customer_id", maxLength: 64)
        query.tag = parameters.string("tag", maxLength: Self.tagLimit).map { $0.lowercased() }
        query.text = parameters.string("q")
        query.createdFrom = parameters.date("from_date", "fromDate")
        // `to_date` is inclusive: tickets created during that day are in.
        query.createdBefore = parameters.date("to_date", "toDate")?.adding(seconds: 86_400)
        if let from = query.createdFrom, let before = query.createdBefore, before <= from {
            parameters.fail("to_date", "is before from_date")
        }
        query.archived = parameters.bool("archived") ?? false
        if let sort = parameters.string("sort") {
            if let value = TicketQuery.Sort(rawValue: sort) {
                query.sort = value
            } else {
                let allowed = TicketQuery.Sort.allCases.map(\.rawValue).joined(separator: ", ")
                parameters.fail("sort", "\"\(RequestBody.quoted(sort))\" is not one of \(allowed)")
            }
        }
        (query.limit, query.cursor) = parameters.page(sort: query.sort.rawValue)
        try parameters.finish()
        return query
    }
}
