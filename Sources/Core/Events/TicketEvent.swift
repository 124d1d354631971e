/// A committed CRM change on a ticket: `ticket.created`, `ticket.updated`, `ticket.assigned`,
/// `ticket.archived`, `message.created`. Published after the transaction commits, carrying the
/// ticket's new version so a console can tell a stale view from a fresh one.
public struct TicketEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case created = "ticket.created"
        case updated = "ticket.updated"
        case assigned = "ticket.assigned"
        case archived = "ticket.archived"
        case messageCreated = "message.created"
    }

    public var kind: Kind
    public var ticketID: String
    /// The ticket's version after the change.
    public var version: Int64
    /// The resource as the REST API shows it (the ticket, or the message for `message.created`), one
    /// JSON object, so live consoles receive exactly what `GET` would return.
    public var data: String
    /// The API key id that made the change.
    public var actor: String
    /// Microseconds since the Unix epoch, the commit's time.
    public var timestampMicroseconds: Int64

    public init(
        kind: Kind, ticketID: String, version: Int64, data: String, actor: String, timestampMicroseconds: Int64
    ) {
        self.kind = kind
        self.ticketID = ticketID
        self.version = version
        self.data = data
        self.actor = actor
        self.timestampMicroseconds = timestampMicroseconds
    }

    /// The per-ticket topic a console subscribes to for one ticket.
    public var ticketTopic: String { "ticket:" + self.ticketID }
}
