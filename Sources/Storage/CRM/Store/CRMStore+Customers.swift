import Core

extension CRMStore {
    public func createCustomer(name: String, email: String?, phone: String?, by actor: AuditActor) async throws
        -> Customer
    {
        try await self.write(by: actor) { try $0.createCustomer(name: name, email: email, phone: phone) }
    }

    public func customer(id: String) async throws -> Customer {
        try await self.read { try $0.customer(id: id) }
    }

    public func customers(_ query: ListQuery, email: String? = nil) async throws -> Page<Customer> {
        try await self.read { transaction in
            var builder = SQLBuilder("SELECT \(Customer.columns) FROM customers")
            if let email { builder.condition("email = \(builder.bind(.text(email.lowercased())))") }
            if let text = query.text {
                let pattern = builder.bind(.text(SQLBuilder.containsPattern(text)))
                builder.condition(
                    "(lower(name) LIKE \(pattern) ESCAPE '\\' OR email LIKE \(pattern) ESCAPE '\\' OR phone LIKE \(pattern) ESCAPE '\\')"
                )
            }
            return try transaction.page(
                &builder, sort: query.sortName, column: "created_at", descending: !query.ascending,
                limit: query.limit, cursor: query.cursor, decode: Customer.init(row:),
                key: { ($0.createdAt.microseconds, $0.id) })
        }
    }

    public func updateCustomer(id: String, _ fields: CustomerFields, expectedVersion: Int64?, by actor: AuditActor)
        async throws -> Customer
    {
        try await self.write(by: actor) { transaction in
            let old = try transaction.customer(id: id)
            if let expectedVersion, expectedVersion != old.version {
                throw CRMError.versionMismatch(current: old.version)
            }
            var new = old
            if let name = fields.name { new.name = name }
            if let email = fields.email { new.email = email?.lowercased() }
            if let phone = fields.phone { new.phone = phone }
            guard new.email != nil || new.phone != nil else {
                throw CRMError.invalid(field: "email", detail: "a customer needs an email or a phone number")
            }
            let changes =
                AuditChange.diff("name", old.name, new.name) + AuditChange.diff("email", old.email, new.email)
                + AuditChange.diff("phone", old.phone, new.phone)
            guard !changes.isEmpty else { return old }
            new.version += 1
            new.updatedAt = transaction.now
            try transaction.uniquely(["email", "phone"]) {
                let changed = try transaction.connection.execute(
                    """
                    UPDATE customers SET name = $1, email = $2, phone = $3, version = $4, updated_at = $5
                    WHERE id = $6 AND version = $7
                    """,
                    .text(new.name), SQLValue(new.email), SQLValue(new.phone), .integer(new.version),
                    .integer(new.updatedAt.microseconds), .text(id), .integer(old.version))
                try transaction.requireUnchanged(changed, table: "customers", id: id)
            }
            try transaction.audit("customer.updated", "customer", id, changes)
            return new
        }
    }
}

extension CRMTransaction {
    func customer(id: String) throws -> Customer {
        try self.fetch(Customer.self, id)
    }

    func createCustomer(name: String, email: String?, phone: String?) throws -> Customer {
        guard email != nil || phone != nil else {
            throw CRMError.invalid(field: "email", detail: "a customer needs an email or a phone number")
        }
        let customer = Customer(
            id: ResourceID.make("cus", at: self.now), name: name, email: email?.lowercased(), phone: phone,
            version: 1, createdAt: self.now, updatedAt: self.now)
        try self.uniquely(["email", "phone"]) {
            try self.connection.execute(
                "INSERT INTO customers (\(Customer.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                .text(customer.id), .text(customer.name), SQLValue(customer.email), SQLValue(customer.phone),
                .integer(1), .integer(self.now.microseconds), .integer(self.now.microseconds))
        }
        try self.audit(
            "customer.created", "customer", customer.id,
            [AuditChange(field: "name", from: nil, to: name)] + AuditChange.diff("email", nil, customer.email)
                + AuditChange.diff("phone", nil, phone))
        return customer
    }

    /// The customer with this email (else this phone), or a new one; and whether it was created.
    func findOrCreateCustomer(name: String, email: String?, phone: String?) throws -> (Customer, created: Bool) {
        if let email,
            let row = try self.connection.query(
                "SELECT \(Customer.columns) FROM customers WHERE email = $1", .text(email.lowercased())
            ).first
        {
            return (try Customer(row: row), false)
        }
        if let phone,
            let row = try self.connection.query(
                "SELECT \(Customer.columns) FROM customers WHERE phone = $1", .text(phone)
            ).first
        {
            return (try Customer(row: row), false)
        }
        return (try self.createCustomer(name: name, email: email, phone: phone), true)
    }
}
