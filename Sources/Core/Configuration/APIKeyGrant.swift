/// One entry of `API_KEYS`: a secret key and the role it grants.
public struct APIKeyGrant: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// Everything, including agent management and the audit log.
        case admin
        /// The CRM work of an agent: tickets, messages, customers, calls.
        case agent
    }

    public var key: String
    public var role: Role

    public init(key: String, role: Role) {
        self.key = key
        self.role = role
    }

    /// Parses `key:role`; the key is everything before the last colon, printable ASCII only.
    public init?(parsing item: String) {
        guard let colon = item.lastIndex(of: ":") else { return nil }
        let key = String(item[..<colon])
        guard let role = Role(rawValue: String(item[item.index(after: colon)...]).lowercased()),
            !key.isEmpty,
            key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        self.init(key: key, role: role)
    }
}
