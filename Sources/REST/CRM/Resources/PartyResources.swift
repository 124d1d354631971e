import Core
import Storage

struct CustomerResource: Encodable, Sendable {
    var id: String
    var name: String
    var email: Nullable<String>
    var phone: Nullable<String>
    var version: Int64
    var createdAt: String
    var updatedAt: String

    init(_ customer: Customer) {
        self.id = customer.id
        self.name = customer.name
        self.email = Nullable(customer.email)
        self.phone = Nullable(customer.phone)
        self.version = customer.version
        self.createdAt = customer.createdAt.rfc3339
        self.updatedAt = customer.updatedAt.rfc3339
    }
}

struct AgentResource: Encodable, Sendable {
    var id: String
    var name: String
    var email: String
    var active: Bool
    var version: Int64
    var createdAt: String
    var updatedAt: String

    init(_ agent: Agent) {
        self.id = agent.id
        self.name = agent.name
        self.email = agent.email
        self.active = agent.active
        self.version = agent.version
        self.createdAt = agent.createdAt.rfc3339
        self.updatedAt = agent.updatedAt.rfc3339
    }
}
