public import Core

/// `GET /v1/tickets`: the filters, the order and the page. Every filter is optional; all that are
/// set must hold.
public struct TicketQuery: Sendable, Hashable {
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case createdAscending = "created_at"
        case createdDescending = "-created_at"
        case updatedAscending = "updated_at"
        case updatedDescending = "-updated_at"
        case priorityAscending = "priority"
        case priorityDescending = "-priority"

        var column: String {
            switch self {
            case .createdAscending, .createdDescending: "created_at"
            case .updatedAscending, .updatedDescending: "updated_at"
            case .priorityAscending, .priorityDescending: "priority_rank"
            }
        }

        var isDescending: Bool { self.rawValue.hasPrefix("-") }
    }

    /// Any of these (empty = all).
    public var statuses: [TicketStatus] = []
    public var priorities: [TicketPriority] = []
    public var channels: [Channel] = []
    /// An agent id; `.some(nil)` = unassigned tickets only.
    public var assigneeID: String??
    public var customerID: String?
    public var tag: String?
    /// Case-insensitive substring of the subject or of any message body.
    public var text: String?
    /// Created on or after this instant.
    public var createdFrom: Timestamp?
    /// Created before this instant.
    public var createdBefore: Timestamp?
    /// Archived tickets instead of live ones.
    public var archived = false
    public var sort: Sort = .createdDescending
    public var limit = 50
    public var cursor: PageCursor?

    public init() {}
}

/// Where the previous page stopped: the sort value and id of its last row. Opaque to clients
/// (base64url of `sort|value|id`), and bound to the sort it was made for.
public struct PageCursor: Sendable, Hashable {
    public var sort: String
    public var value: Int64
    public var id: String

    public init(sort: String, value: Int64, id: String) {
        self.sort = sort
        self.value = value
        self.id = id
    }

    public var encoded: String { Base64URL.encode(Array("\(self.sort)|\(self.value)|\(self.id)".utf8)) }

    /// `nil` when the text is not a cursor this server made.
    public init?(encoded: String) {
        guard let bytes = Base64URL.decode(encoded),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3, let value = Int64(parts[1]), !parts[2].isEmpty, parts[2].utf8.count <= 64 else {
            return nil
        }
        self.init(sort: String(parts[0]), value: value, id: String(parts[2]))
    }
}
