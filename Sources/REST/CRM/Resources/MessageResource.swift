import Core
import Storage

/// A message as the API shows it.
struct MessageResource: JSONWritable {
    let message: Message

    init(_ message: Message) {
        self.message = message
    }

    func write(to json: inout JSONWriter) {
        let message = self.message
        json.object { json in
            json.field("author_id", message.authorID)
            json.field("author_type", message.authorType.rawValue)
            json.field("body", message.body)
            json.field("channel", message.channel.rawValue)
            json.field("created_at", message.createdAt.rfc3339)
            json.field("direction", message.direction.rawValue)
            json.field("id", message.id)
            json.field("ticket_id", message.ticketID)
        }
    }
}

/// `message.created` data: the message and the ticket version it produced.
struct MessageEventData: JSONWritable {
    var message: MessageResource
    var ticketID: String
    var version: Int64

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("message", self.message)
            json.field("ticket_id", self.ticketID)
            json.field("version", self.version)
        }
    }
}
