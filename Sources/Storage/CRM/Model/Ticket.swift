public import Core

public struct Ticket: Sendable, Hashable {
    public var id: String
    public var subject: String
    public var status: TicketStatus
    public var priority: TicketPriority
    public var channel: Channel
    public var customerID: String
    public var assigneeID: String?
    /// Sorted, unique, lower-case.
    public var tags: [String]
    /// Starts at 1 and grows by one with every change, including new messages: the `ETag`.
    public var version: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// Set by `DELETE`: archived tickets keep their history but leave the default list.
    public var archivedAt: Timestamp?
}

/// What a new ticket is made from.
public struct TicketDraft: Sendable, Hashable {
    public var subject: String
    public var status: TicketStatus = .open
    public var priority: TicketPriority = .normal
    public var channel: Channel
    public var customerID: String
    public var assigneeID: String?
    public var tags: [String] = []

    public init(subject: String, channel: Channel, customerID: String) {
        self.subject = subject
        self.channel = channel
        self.customerID = customerID
    }
}

/// A `PATCH`: only the fields present change. `assigneeID` is doubly optional so that `null`
/// (unassign) differs from absent.
public struct TicketChanges: Sendable, Hashable {
    public var subject: String?
    public var status: TicketStatus?
    public var priority: TicketPriority?
    public var assigneeID: String??
    public var tags: [String]?

    public init() {}

    public var isEmpty: Bool {
        self.subject == nil && self.status == nil && self.priority == nil && self.assigneeID == nil && self.tags == nil
    }
}
