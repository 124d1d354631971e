import Core
import HTTPTypes
import Hummingbird
import Storage

/// `/v1/sessions`: open a client session, heartbeat it, set its presence, read it, end it. Any
/// API key may; what a session belongs to is its agent.
struct SessionRoutes: Sendable {
    /// The heartbeat route, also answered by ``HeartbeatFastPath`` for sessions the store holds.
    static let heartbeatPath = "/v1/sessions/{id}/heartbeat"

    let coordinator: SessionCoordinator

    /// The most sessions one list answer holds.
    static let listLimit = 200
    static let clientLimit = 32

    func add(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.post, "/v1/sessions") { request, context in
            _ = try context.auditActor()
            var body = try await RequestBody(request, context: context)
            let agentID = body.string("agent_id", required: true, maxLength: 64)
            let client = body.string("client", required: true, maxLength: Self.clientLimit)
            let presence = body.choice("presence", Presence.self) ?? .available
            if let agentID, !ResourceID.isWellFormed(agentID, prefix: "agt") {
                body.fail("agent_id", "\"\(RequestBody.quoted(agentID))\" is not an agent id (agt_...)")
            }
            if let client, !Self.isClientName(client) {
                body.fail("client", "use lower-case letters, digits, '.', '_' or '-' (console, softphone, ...)")
            }
            try body.finish()
            guard let agentID, let client else {
                throw RequestBody.badRequest("agent_id and client are required", errors: nil)
            }
            try await self.requireActiveAgent(agentID)
            let (session, token) = try await self.coordinator.open(
                agentID: agentID, client: client, presence: presence, at: .now())
            return try ResourceJSON.response(
                SessionResource(session: session, policy: self.coordinator.policy, token: token), status: .created,
                headers: .resource(location: "/v1/sessions/\(session.id)"))
        }

        routes.add(.get, "/v1/sessions") { request, context in
            _ = try context.auditActor()
            var parameters = QueryParameters(request)
            let agentID = parameters.string("agent", "agent_id", maxLength: 64)
            let state = parameters.choice("state", Session.State.self)
            let limit = parameters.integer("limit", in: 1...Self.listLimit) ?? 50
            try parameters.finish()
            let sessions = try await self.coordinator.store.sessions(agentID: agentID, state: state, limit: limit)
            let policy = self.coordinator.policy
            return try ListBody.response(
                sessions.map { SessionResource(session: $0, policy: policy) }, nextCursor: nil, request: request)
        }

        routes.add(.get, "/v1/sessions/{id}") { _, context in
            _ = try context.auditActor()
            let id = try context.resourceID(prefix: "ses", resource: "session")
            guard let session = try await self.coordinator.store.session(id: id) else { throw Self.notFound(id) }
            return try ResourceJSON.response(SessionResource(session: session, policy: self.coordinator.policy))
        }

        routes.add(.post, Self.heartbeatPath) { _, context in
            _ = try context.auditActor()
            let id = try context.resourceID(prefix: "ses", resource: "session")
            switch try await self.coordinator.heartbeat(id: id, at: .now()) {
            case .accepted: return Response(status: .noContent)
            case .notFound: throw Self.notFound(id)
            case .over(let state): throw Self.over(id, state)
            }
        }

        routes.add(.patch, "/v1/sessions/{id}") { request, context in
            _ = try context.auditActor()
            let id = try context.resourceID(prefix: "ses", resource: "session")
            var body = try await RequestBody(request, context: context)
            let presence = body.choice("presence", Presence.self, required: true)
            try body.finish()
            guard let presence else { throw RequestBody.badRequest("presence is required", errors: nil) }
            return try self.answer(try await self.coordinator.setPresence(presence, id: id, at: .now()), id: id)
        }

        routes.add(.delete, "/v1/sessions/{id}") { _, context in
            _ = try context.auditActor()
            let id = try context.resourceID(prefix: "ses", resource: "session")
            // Ending a session that is already over is not an error: the answer shows how it ended.
            switch try await self.coordinator.end(id: id, at: .now()) {
            case .changed(let session), .over(let session):
                return try ResourceJSON.response(SessionResource(session: session, policy: self.coordinator.policy))
            case .notFound: throw Self.notFound(id)
            }
        }
    }

    private func answer(_ change: SessionChange, id: String) throws -> Response {
        switch change {
        case .changed(let session):
            return try ResourceJSON.response(SessionResource(session: session, policy: self.coordinator.policy))
        case .notFound: throw Self.notFound(id)
        case .over(let session): throw Self.over(id, session.state)
        }
    }

    private func requireActiveAgent(_ agentID: String) async throws {
        let agent: Agent
        do {
            agent = try await self.coordinator.crm.agent(id: agentID)
        } catch CRMError.notFound {
            throw CRMError.invalid(field: "agent_id", detail: "no agent has the id \(agentID)")
        }
        guard agent.active else {
            throw CRMError.invalid(field: "agent_id", detail: "agent \(agentID) is inactive")
        }
    }

    static func isClientName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    static func notFound(_ id: String) -> ProblemDetails {
        ProblemDetails(status: 404, title: "Not Found", detail: "no session has the id \(id)")
    }

    /// 410: the session existed and is over for good; the client opens a new one.
    static func over(_ id: String, _ state: Session.State) -> ProblemDetails {
        ProblemDetails(
            status: 410, title: "Gone",
            detail: "session \(id) has \(state.rawValue); open a new one with POST /v1/sessions")
    }
}
