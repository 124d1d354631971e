import Core
import Hummingbird
import Logging
import Storage

/// The CRM's HTTP API under `/v1`: tickets, messages, customers, agents, the support intake, calls
/// and the audit log. Each change is one store transaction, then one or more typed events on the
/// bus carrying the ticket's new version.
struct CRMRoutes: Sendable {
    let store: CRMStore
    let eventBus: any EventBus
    let recordings: RecordingFiles
    /// Where agents' presence comes from.
    let sessions: any SessionStore

    func add(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        self.addTickets(to: routes)
        self.addMessages(to: routes)
        self.addCustomers(to: routes)
        self.addAgents(to: routes)
        self.addSupport(to: routes)
        self.addCalls(to: routes)
        self.addAudit(to: routes)
    }

    /// Publishes a ticket event whose data is `resource`, as the API shows it.
    func publish(_ kind: TicketEvent.Kind, ticket: Ticket, data resource: some JSONWritable, actor: AuditActor) {
        let data = ResourceJSON.text(resource)
        self.eventBus.publish(
            .ticket(
                TicketEvent(
                    kind: kind, ticketID: ticket.id, version: ticket.version, data: data, actor: actor.id,
                    timestampMicroseconds: ticket.updatedAt.microseconds)))
    }

    func publish(_ kind: TicketEvent.Kind, _ ticket: Ticket, actor: AuditActor) {
        self.publish(kind, ticket: ticket, data: TicketResource(ticket), actor: actor)
    }
}

extension SwitchboardRequestContext {
    /// The caller as the audit log names it; routes run behind the API-key middleware, so a caller
    /// is always there (401 otherwise).
    func auditActor(requiring role: APIKeyGrant.Role = .agent) throws -> AuditActor {
        let caller = try self.requireRole(role)
        return AuditActor(id: caller.keyID, role: caller.role.rawValue)
    }

    /// A path parameter that must look like an id of `prefix`; anything else is a 404 without a query.
    func resourceID(_ name: String = "id", prefix: String, resource: String) throws -> String {
        let id = try self.parameters.require(name)
        guard ResourceID.isWellFormed(id, prefix: prefix) else {
            throw CRMError.notFound(resource: resource, id: String(id.prefix(64)))
        }
        return id
    }
}

extension HTTPFields {
    /// `ETag` and `Location` for a created or changed resource.
    static func resource(etag: String? = nil, location: String? = nil) -> HTTPFields {
        var fields = HTTPFields()
        if let etag { fields[.eTag] = etag }
        if let location { fields[.location] = location }
        return fields
    }
}
