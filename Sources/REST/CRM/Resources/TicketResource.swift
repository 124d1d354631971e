import Core
import Storage

struct TicketResource: Encodable, Sendable {
    var id: String
    var subject: String
    var status: String
    var priority: String
    var channel: String
    var customerId: String
    var assigneeId: Nullable<String>
    var tags: [String]
    var version: Int64
    var createdAt: String
    var updatedAt: String
    var archivedAt: Nullable<String>

    init(_ ticket: Ticket) {
        self.id = ticket.id
        self.subject = ticket.subject
        self.status = ticket.status.rawValue
        self.priority = ticket.priority.rawValue
        self.channel = ticket.channel.rawValue
        self.customerId = ticket.customerID
        self.assigneeId = Nullable(ticket.assigneeID)
        self.tags = ticket.tags
        self.version = ticket.version
        self.createdAt = ticket.createdAt.rfc3339
        self.updatedAt = ticket.updatedAt.rfc3339
        self.archivedAt = Nullable(ticket.archivedAt?.rfc3339)
    }
}

extension Ticket {
    /// A strong validator of this version (RFC 9110 section 8.8.3).
    var entityTag: String { "\"\(self.version)\"" }
}
