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

/// An agent as the API shows it.
struct AgentResource: JSONWritable {
    let agent: Agent

    init(_ agent: Agent) {
        self.agent = agent
    }

    func write(to json: inout JSONWriter) {
        let agent = self.agent
        json.object { json in
            json.field("active", agent.active)
            json.field("created_at", agent.createdAt.rfc3339)
            json.field("email", agent.email)
            json.field("id", agent.id)
            json.field("name", agent.name)
            json.field("updated_at", agent.updatedAt.rfc3339)
            json.field("version", agent.version)
        }
    }
}
