public import Core

public struct Message: Sendable, Hashable {
    public var id: String
    public var ticketID: String
    public var authorType: AuthorType
    public var authorID: String
    public var body: String
    public var direction: MessageDirection
    public var channel: Channel
    public var createdAt: Timestamp
}

public struct MessageDraft: Sendable, Hashable {
    public var authorType: AuthorType
    /// The agent's or customer's id; `nil` = the ticket's customer (for customer messages).
    public var authorID: String?
    public var body: String
    /// `nil` = inbound for customers, outbound for agents.
    public var direction: MessageDirection?
    /// `nil` = the ticket's channel.
    public var channel: Channel?

    public init(authorType: AuthorType, authorID: String?, body: String) {
        self.authorType = authorType
        self.authorID = authorID
        self.body = body
    }
}
