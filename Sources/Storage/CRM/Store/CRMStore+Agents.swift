import Core

extension CRMStore {
    public func createAgent(name: String, email: String, by actor: AuditActor) async throws -> Agent {
        try await self.write(by: actor) { transaction in
            let agent = Agent(
                id: ResourceID.make("agt", at: transaction.now), name: name, email: email.lowercased(), active: true,
                version: 1, createdAt: transaction.now, updatedAt: transaction.now)
            try transaction.uniquely(["email"]) {
                try transaction.connection.execute(
                    "INSERT INTO agents (\(Agent.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    .text(agent.id), .text(agent.name), .text(agent.email), .integer(1), .integer(1),
                    .integer(transaction.now.microseconds), .integer(transaction.now.microseconds))
            }
            try transaction.audit(
                "agent.created", "agent", agent.id,
                [
                    AuditChange(field: "name", from: nil, to: name),
                    AuditChange(field: "email", from: nil, to: agent.email),
                ])
            return agent
        }
    }

    public func agent(id: String) async throws -> Agent {
        try await self.read { try $0.agent(id: id) }
    }

    public func agents(_ query: ListQuery, active: Bool? = nil) async throws -> Page<Agent> {
        try await self.read { transaction in
            var builder = SQLBuilder("SELECT \(Agent.columns) FROM agents")
            if let active { builder.condition("active = \(builder.bind(SQLValue(active)))") }
            if let text = query.text {
                let pattern = builder.bind(.text(SQLBuilder.containsPattern(text)))
                builder.condition("(lower(name) LIKE \(pattern) ESCAPE '\\' OR email LIKE \(pattern) ESCAPE '\\')")
            }
            return try transaction.page(
                &builder, sort: query.sortName, column: "created_at", descending: !query.ascending,
                limit: query.limit, cursor: query.cursor, decode: Agent.init(row:),
                key: { ($0.createdAt.microseconds, $0.id) })
        }
    }

    public func updateAgent(id: String, _ fields: AgentFields, expectedVersion: Int64?, by actor: AuditActor)
        async throws -> Agent
    {
        try await self.write(by: actor) { transaction in
            let old = try transaction.agent(id: id)
            if let expectedVersion, expectedVersion != old.version {
                throw CRMError.versionMismatch(current: old.version)
            }
            var new = old
            if let name = fields.name { new.name = name }
            if let email = fields.email { new.email = email.lowercased() }
            if let active = fields.active { new.active = active }
            let changes =
                AuditChange.diff("name", old.name, new.name) + AuditChange.diff("email", old.email, new.email)
                + AuditChange.diff("active", String(old.active), String(new.active))
            guard !changes.isEmpty else { return old }
            new.version += 1
            new.updatedAt = transaction.now
            try transaction.uniquely(["email"]) {
                let changed = try transaction.connection.execute(
                    """
                    UPDATE agents SET name = $1, email = $2, active = $3, version = $4, updated_at = $5
                    WHERE id = $6 AND version = $7
                    """,
                    .text(new.name), .text(new.email), SQLValue(new.active), .integer(new.version),
                    .integer(new.updatedAt.microseconds), .text(id), .integer(old.version))
                try transaction.requireUnchanged(changed, table: "agents", id: id)
            }
            try transaction.audit("agent.updated", "agent", id, changes)
            return new
        }
    }
}

extension CRMTransaction {
    func agent(id: String) throws -> Agent {
        try self.fetch(Agent.self, id)
    }

    /// An agent tickets may be assigned to, or a 422 naming `field`.
    func assignableAgent(id: String, field: String) throws -> Agent {
        let agent: Agent
        do {
            agent = try self.agent(id: id)
        } catch CRMError.notFound {
            throw CRMError.invalid(field: field, detail: "no agent has the id \(id)")
        }
        guard agent.active else { throw CRMError.invalid(field: field, detail: "agent \(id) is inactive") }
        return agent
    }
}
