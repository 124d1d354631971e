public import Core

/// Who made a request: the role of the API key it carried, and a stable, non-secret id for that
/// key (the audit log's "who").
public struct Caller: Sendable, Hashable {
    public var keyID: String
    public var role: APIKeyGrant.Role

    public init(keyID: String, role: APIKeyGrant.Role) {
        self.keyID = keyID
        self.role = role
    }
}
