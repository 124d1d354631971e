import Core
import Hummingbird
import Storage

extension CRMRoutes {
    static let messageBodyLimit = 10_000

    func addMessages(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/v1/tickets/{id}/messages") { request, context in
            _ = try context.auditActor()
            let id = try context.resourceID(prefix: "tkt", resource: "ticket")
            var parameters = QueryParameters(request)
            let query = parameters.listQuery(text: false, ascendingByDefault: true)
            try parameters.finish()
            let page = try await self.store.messages(ticketID: id, query)
            return try ListBody.response(
                page.items.map(MessageResource.init), nextCursor: page.nextCursor, request: request)
        }

        routes.add(.post, "/v1/tickets/{id}/messages") { request, context in
            let actor = try context.auditActor()
            let id = try context.resourceID(prefix: "tkt", resource: "ticket")
            var body = try await RequestBody(request, context: context)
            let authorType = body.choice("author_type", AuthorType.self, required: true)
            let authorID = body.nullableString("author_id", maxLength: 64)
            let text = body.string("body", required: true, maxLength: Self.messageBodyLimit)
            let direction = body.choice("direction", MessageDirection.self)
            let channel = body.choice("channel", Channel.self)
            try body.finish()
            guard let authorType, let text else {
                throw RequestBody.badRequest("author_type and body are required", errors: nil)
            }
            var draft = MessageDraft(authorType: authorType, authorID: authorID ?? nil, body: text)
            draft.direction = direction
            draft.channel = channel
            let (message, ticket) = try await self.store.createMessage(ticketID: id, draft, by: actor)
            self.publishMessage(message, ticket: ticket, actor: actor)
            return try ResourceJSON.response(
                MessageResource(message), status: .created,
                headers: .resource(location: "/v1/messages/\(message.id)"))
        }

        routes.add(.get, "/v1/messages/{id}") { _, context in
            _ = try context.auditActor()
            let message = try await self.store.message(id: try context.resourceID(prefix: "msg", resource: "message"))
            return try ResourceJSON.response(MessageResource(message))
        }
    }

    func publishMessage(_ message: Message, ticket: Ticket, actor: AuditActor) {
        self.publish(
            .messageCreated, ticket: ticket,
            data: MessageEventData(message: MessageResource(message), ticketID: ticket.id, version: ticket.version),
            actor: actor)
    }
}
