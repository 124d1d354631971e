import Core
import Storage

/// A customer as the API shows it.
struct CustomerResource: JSONWritable {
    let customer: Customer

    init(_ customer: Customer) {
        self.customer = customer
    }

    func write(to json: inout JSONWriter) {
        let customer = self.customer
        json.object { json in
            json.field("created_at", customer.createdAt.rfc3339)
            json.field("email", customer.email)
            json.field("id", customer.id)
            json.field("name", customer.name)
            json.field("phone", customer.phone)
            json.field("updated_at", customer.updatedAt.rfc3339)
            json.field("version", customer.version)
        }
    }
}

/// An agent as the API shows it, with their live presence from their sessions (`null` when the
/// session store cannot be reached; the rest of the agent still comes from the database).
struct AgentResource: JSONWritable {
    let agent: Agent
    let presence: Presence?

    init(_ agent: Agent, presence: Presence?) {
        self.agent = agent
        self.presence = presence
    }

    func write(to json: inout JSONWriter) {
        let agent = self.agent
        json.object { json in
            json.field("active", agent.active)
            json.field("created_at", agent.createdAt.rfc3339)
            json.field("email", agent.email)
            json.field("id", agent.id)
            json.field("name", agent.name)
            json.field("presence", self.presence?.rawValue)
            json.field("updated_at", agent.updatedAt.rfc3339)
            json.field("version", agent.version)
        }
    }
}
