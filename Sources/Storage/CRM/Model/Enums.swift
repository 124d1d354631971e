/// The fixed vocabularies of the CRM. Raw values are what the API and the database both use.
public enum TicketStatus: String, Sendable, Hashable, CaseIterable {
    case open, pending, solved, closed
}

public enum TicketPriority: String, Sendable, Hashable, CaseIterable {
    case low, normal, high, urgent

    /// The stored sort key, so `sort=priority` orders by urgency rather than alphabetically.
    public var rank: Int64 {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }
}

public enum Channel: String, Sendable, Hashable, CaseIterable {
    case email, chat, phone
}

public enum AuthorType: String, Sendable, Hashable, CaseIterable {
    case agent, customer
}

public enum MessageDirection: String, Sendable, Hashable, CaseIterable {
    /// From the customer to the contact center.
    case inbound
    /// From an agent to the customer.
    case outbound
}
