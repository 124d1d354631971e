import Core
import Storage

struct MessageResource: Encodable, Sendable {
    var id: String
    var ticketId: String
    var authorType: String
    var authorId: String
    var body: String
    var direction: String
    var channel: String
    var createdAt: String

    init(_ message: Message) {
        self.id = message.id
        self.ticketId = message.ticketID
        self.authorType = message.authorType.rawValue
        self.authorId = message.authorID
        self.body = message.body
        self.direction = message.direction.rawValue
        self.channel = message.channel.rawValue
        self.createdAt = message.createdAt.rfc3339
    }
}

/// `message.created` data: the message and the ticket version it produced.
struct MessageEventData: Encodable, Sendable {
    var message: MessageResource
    var ticketId: String
    var version: Int64
}
