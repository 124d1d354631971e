import Core
import Hummingbird
import Storage

extension CRMRoutes {
    static let nameLimit = 200
    static let emailLimit = 254
    static let phoneLimit = 32

    /// Just enough to catch typos (one `@`, a dot in the domain, no spaces); real validation is a
    /// message that arrives.
    static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(" ")
    }

    /// Digits with an optional leading `+` and the usual separators, at least 3 digits.
    static func isPlausiblePhone(_ text: String) -> Bool {
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        return digits >= 3
            && text.enumerated().allSatisfy { index, character in
                (character.isASCII && character.isNumber) || " -().".contains(character)
                    || (character == "+" && index == 0)
            }
    }

    /// Reads `email` and `phone` (each may be null), checking their shape.
    static func contact(_ body: inout RequestBody) -> (email: String??, phone: String??) {
        let email = body.nullableString("email", maxLength: Self.emailLimit)
        if case .some(.some(let value)) = email, !Self.isPlausibleEmail(value) {
            body.fail("email", "\"\(RequestBody.quoted(value))\" is not an email address")
        }
        let phone = body.nullableString("phone", maxLength: Self.phoneLimit)
        if case .some(.some(let value)) = phone, !Self.isPlausiblePhone(value) {
            body.fail("phone", "\"\(RequestBody.quoted(value))\" is not a phone number")
        }
        return (email, phone)
    }

    func addCustomers(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/v1/customers") { request, context in
            _ = try context.auditActor()
            var parameters = QueryParameters(request)
            let query = parameters.listQuery(text: true)
            let email = parameters.string("email", maxLength: Self.emailLimit)
            try parameters.finish()
            let page = try await self.store.customers(query, email: email)
            return try ListBody.response(
                page.items.map(CustomerResource.init), nextCursor: page.nextCursor, request: request)
        }

        routes.add(.post, "/v1/customers") { request, context in
            let actor = try context.auditActor()
            var body = try await RequestBody(request, context: context)
            let name = body.string("name", required: true, maxLength: Self.nameLimit)
            let (email, phone) = Self.contact(&body)
            if (email ?? nil) == nil && (phone ?? nil) == nil {
                body.fail("email", "a customer needs an email or a phone number")
            }
            try body.finish()
            guard let name else { throw RequestBody.badRequest("name is required", errors: nil) }
            let customer = try await self.store.createCustomer(
                name: name, email: email ?? nil, phone: phone ?? nil, by: actor)
            return try ResourceJSON.response(
                CustomerResource(customer), status: .created,
                headers: .resource(etag: "\"\(customer.version)\"", location: "/v1/customers/\(customer.id)"))
        }

        routes.add(.get, "/v1/customers/{id}") { _, context in
            _ = try context.auditActor()
            let customer = try await self.store.customer(
                id: try context.resourceID(prefix: "cus", resource: "customer"))
            return try ResourceJSON.response(
                CustomerResource(customer), headers: .resource(etag: "\"\(customer.version)\""))
        }

        routes.add(.patch, "/v1/customers/{id}") { request, context in
            let actor = try context.auditActor()
            let id = try context.resourceID(prefix: "cus", resource: "customer")
            let expected = Preconditions.expectedVersion(try Preconditions.ifMatch(request))
            var body = try await RequestBody(request, context: context)
            let name = body.string("name", maxLength: Self.nameLimit)
            let (email, phone) = Self.contact(&body)
            try body.finish()
            let customer = try await self.store.updateCustomer(
                id: id, CustomerFields(name: name, email: email, phone: phone), expectedVersion: expected, by: actor)
            return try ResourceJSON.response(
                CustomerResource(customer), headers: .resource(etag: "\"\(customer.version)\""))
        }
    }

    /// Agents are managed by admins; any key may read them.
    func addAgents(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/v1/agents") { request, context in
            _ = try context.auditActor()
            var parameters = QueryParameters(request)
            let query = parameters.listQuery(text: true)
            let active = parameters.bool("active")
            try parameters.finish()
            let page = try await self.store.agents(query, active: active)
            let presences = await self.presences(of: page.items.map(\.id))
            return try ListBody.response(
                page.items.map { AgentResource($0, presence: presences?[$0.id]) }, nextCursor: page.nextCursor,
                request: request)
        }

        routes.add(.post, "/v1/agents") { request, context in
            let actor = try context.auditActor(requiring: .admin)
            var body = try await RequestBody(request, context: context)
            let name = body.string("name", required: true, maxLength: Self.nameLimit)
            let email = body.string("email", required: true, maxLength: Self.emailLimit)
            if let email, !Self.isPlausibleEmail(email) {
                body.fail("email", "\"\(RequestBody.quoted(email))\" is not an email address")
            }
            try body.finish()
            guard let name, let email else { throw RequestBody.badRequest("name and email are required", errors: nil) }
            let agent = try await self.store.createAgent(name: name, email: email, by: actor)
            return try ResourceJSON.response(
                AgentResource(agent, presence: .offline), status: .created,
                headers: .resource(etag: "\"\(agent.version)\"", location: "/v1/agents/\(agent.id)"))
        }

        routes.add(.get, "/v1/agents/{id}") { _, context in
            _ = try context.auditActor()
            let agent = try await self.store.agent(id: try context.resourceID(prefix: "agt", resource: "agent"))
            let presence = await self.presences(of: [agent.id])?[agent.id]
            return try ResourceJSON.response(
                AgentResource(agent, presence: presence), headers: .resource(etag: "\"\(agent.version)\""))
        }

        routes.add(.patch, "/v1/agents/{id}") { request, context in
            let actor = try context.auditActor(requiring: .admin)
            let id = try context.resourceID(prefix: "agt", resource: "agent")
            let expected = Preconditions.expectedVersion(try Preconditions.ifMatch(request))
            var body = try await RequestBody(request, context: context)
            let name = body.string("name", maxLength: Self.nameLimit)
            let email = body.string("email", maxLength: Self.emailLimit)
            if let email, !Self.isPlausibleEmail(email) {
                body.fail("email", "\"\(RequestBody.quoted(email))\" is not an email address")
            }
            let active = body.bool("active")
            try body.finish()
            let agent = try await self.store.updateAgent(
                id: id, AgentFields(name: name, email: email, active: active), expectedVersion: expected, by: actor)
            let presence = await self.presences(of: [agent.id])?[agent.id]
            return try ResourceJSON.response(
                AgentResource(agent, presence: presence), headers: .resource(etag: "\"\(agent.version)\""))
        }
    }

    /// Each agent's presence from their sessions; `nil` when the session store does not answer.
    /// Presence is live state, not part of the agent row: it is not covered by the ETag.
    func presences(of agentIDs: [String]) async -> [String: Presence]? {
        guard let sessions = try? await self.sessions.sessions(ofAgents: agentIDs) else { return nil }
        let now = Timestamp.now()
        var result: [String: Presence] = [:]
        for agentID in agentIDs {
            result[agentID] = Presence.of(
                agentSessions: sessions[agentID] ?? [], at: now, grace: self.sessions.policy.presenceGrace)
        }
        return result
    }

    func addSupport(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.post, "/v1/support/requests") { request, context in
            let actor = try context.auditActor()
            var body = try await RequestBody(request, context: context)
            let channel = body.choice("channel", Channel.self, required: true)
            let name = body.string("name", required: true, maxLength: Self.nameLimit)
            let (email, phone) = Self.contact(&body)
            let subject = body.string("subject", required: true, maxLength: Self.subjectLimit)
            let message = body.string("message", required: true, maxLength: Self.messageBodyLimit)
            switch channel {
            case .email where (email ?? nil) == nil: body.fail("email", "an email request needs the sender's email")
            case .phone where (phone ?? nil) == nil: body.fail("phone", "a phone request needs the caller's number")
            case .chat where (email ?? nil) == nil && (phone ?? nil) == nil:
                body.fail("email", "a chat request needs an email or a phone number")
            default: break
            }
            try body.finish()
            guard let channel, let name, let subject, let message else {
                throw RequestBody.badRequest("channel, name, subject and message are required", errors: nil)
            }
            let intake = try await self.store.submitSupportRequest(
                SupportRequest(
                    channel: channel, name: name, email: email ?? nil, phone: phone ?? nil, subject: subject,
                    message: message),
                by: actor)
            self.publish(.created, intake.ticket, actor: actor)
            self.publishMessage(intake.message, ticket: intake.ticket, actor: actor)
            return try ResourceJSON.response(
                TicketResource(intake.ticket), status: .created,
                headers: .resource(etag: intake.ticket.entityTag, location: "/v1/tickets/\(intake.ticket.id)"))
        }
    }
}
