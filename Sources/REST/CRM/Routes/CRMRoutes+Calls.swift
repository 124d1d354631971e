import Core
import Hummingbird
import Storage

extension CRMRoutes {
    func addCalls(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/v1/calls") { request, context in
            _ = try context.auditActor()
            var parameters = QueryParameters(request)
            var query = CallQuery()
            query.list = parameters.listQuery(text: false)
            query.status = parameters.choice("status", CallRecord.Status.self)
            query.callSid = parameters.string("call_sid", maxLength: 64)
            query.ticketID = parameters.string("ticket", "ticket_id", maxLength: 64)
            try parameters.finish()
            let page = try await self.store.calls(query)
            return try ListBody.response(
                page.items.map(CallResource.init), nextCursor: page.nextCursor, request: request)
        }

        routes.add(.get, "/v1/calls/{id}") { _, context in
            _ = try context.auditActor()
            let call = try await self.store.call(id: try context.resourceID(prefix: "cal", resource: "call"))
            return try ResourceJSON.response(CallResource(call))
        }

        routes.add(.get, "/v1/calls/{id}/recording") { request, context in
            _ = try context.auditActor()
            let call = try await self.store.call(id: try context.resourceID(prefix: "cal", resource: "call"))
            guard let path = call.recordingPath else {
                let detail =
                    call.status == .active
                    ? "the call is still active; its recording is available when it ends"
                    : "call \(call.id) was not recorded (its app was \(call.app))"
                throw ProblemDetails(status: 404, title: "Not Found", detail: detail)
            }
            return try await self.recordings.response(path: path, request: request, context: context)
        }
    }

    /// The audit log is for admins.
    func addAudit(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/v1/audit") { request, context in
            _ = try context.auditActor(requiring: .admin)
            var parameters = QueryParameters(request)
            var query = AuditQuery()
            query.list = parameters.listQuery(text: false)
            query.entityType = parameters.string("entity_type", maxLength: 32)
            query.entityID = parameters.string("entity_id", maxLength: 64)
            query.actor = parameters.string("actor", maxLength: 64)
            try parameters.finish()
            let page = try await self.store.audit(query)
            return try ListBody.response(
                page.items.map(AuditResource.init), nextCursor: page.nextCursor, request: request)
        }
    }
}
