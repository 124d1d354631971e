public import Core

/// Who changed what, written in the transaction that made the change.
public struct AuditEntry: Sendable, Hashable {
    public var id: String
    public var at: Timestamp
    public var actor: AuditActor
    /// The event name of the change: `ticket.updated`, `customer.created`, ...
    public var action: String
    public var entityType: String
    public var entityID: String
    public var changes: [AuditChange]
}

/// The caller as the audit log names it: the API key's id (never the key) and its role, or
/// `system` for changes the server makes itself (call rows).
public struct AuditActor: Sendable, Hashable {
    public var id: String
    public var role: String

    public init(id: String, role: String) {
        self.id = id
        self.role = role
    }

    public static let system = AuditActor(id: "system", role: "system")
}

/// One field's old and new value, as text (`nil` = absent or null).
public struct AuditChange: Sendable, Hashable, Codable {
    public var field: String
    public var from: String?
    public var to: String?

    public init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}
