import Core
import Storage

/// A ticket as the API shows it.
struct TicketResource: JSONWritable {
    let ticket: Ticket

    init(_ ticket: Ticket) {
        self.ticket = ticket
    }

    func write(to json: inout JSONWriter) {
        let ticket = self.ticket
        json.object { json in
            json.field("archived_at", ticket.archivedAt?.rfc3339)
            json.field("assignee_id", ticket.assigneeID)
            json.field("channel", ticket.channel.rawValue)
            json.field("created_at", ticket.createdAt.rfc3339)
            json.field("customer_id", ticket.customerID)
            json.field("id", ticket.id)
            json.field("priority", ticket.priority.rawValue)
            json.field("status", ticket.status.rawValue)
            json.field("subject", ticket.subject)
            json.field("tags", ticket.tags)
            json.field("updated_at", ticket.updatedAt.rfc3339)
            json.field("version", ticket.version)
        }
    }
}

extension Ticket {
    /// A strong validator of this version (RFC 9110 section 8.8.3).
    var entityTag: String { "\"\(self.version)\"" }
}
