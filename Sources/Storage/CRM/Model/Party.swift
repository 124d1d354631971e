public import Core

/// Someone who contacts the center. Email and phone are each unique when present; at least one is.
public struct Customer: Sendable, Hashable {
    public var id: String
    public var name: String
    /// Stored lower-case, so lookups by email ignore case.
    public var email: String?
    public var phone: String?
    public var version: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

public struct CustomerFields: Sendable, Hashable {
    public var name: String?
    public var email: String??
    public var phone: String??

    public init(name: String? = nil, email: String?? = nil, phone: String?? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// Someone who works tickets. Email is unique.
public struct Agent: Sendable, Hashable {
    public var id: String
    public var name: String
    public var email: String
    /// Inactive agents keep their history but cannot be assigned.
    public var active: Bool
    public var version: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

public struct AgentFields: Sendable, Hashable {
    public var name: String?
    public var email: String?
    public var active: Bool?

    public init(name: String? = nil, email: String? = nil, active: Bool? = nil) {
        self.name = name
        self.email = email
        self.active = active
    }
}
