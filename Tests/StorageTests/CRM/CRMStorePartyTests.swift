import Core
import Storage
import SwitchboardTestSupport
import Testing

/// Customers and agents in the store, on both backends: unique emails whatever their case, unique
/// phones, and the field a conflict names.
@Suite(.timeLimit(.minutes(1)))
struct CRMStorePartyTests {
    @Test(arguments: StorageBackend.allCases)
    func customerEmailsAreUniqueIgnoringCase(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let ann = try await store.createCustomer(
                name: "Ann", email: "Ann@Example.COM", phone: "+1 555 0100", by: TestActors.agent)
            #expect(ann.email == "ann@example.com", "stored lower-case")
            #expect(ann.version == 1)

            let duplicate = await #expect(throws: CRMError.self) {
                try await store.createCustomer(
                    name: "Other", email: "aNN@example.com", phone: nil, by: TestActors.agent)
            }
            #expect(duplicate.map(Self.conflictField) == "email", "\(String(describing: duplicate))")

            let samePhone = await #expect(throws: CRMError.self) {
                try await store.createCustomer(name: "Other", email: nil, phone: "+1 555 0100", by: TestActors.agent)
            }
            #expect(samePhone.map(Self.conflictField) == "phone", "\(String(describing: samePhone))")
            #expect(try await store.database.count("customers") == 1)

            // Changing another customer's email onto Ann's is the same conflict, and changes nothing.
            let bob = try await store.createCustomer(name: "Bob", email: "bob@example.com", phone: nil, by: .system)
            let clash = await #expect(throws: CRMError.self) {
                try await store.updateCustomer(
                    id: bob.id, CustomerFields(email: "ANN@example.com"), expectedVersion: nil, by: TestActors.agent)
            }
            #expect(clash.map(Self.conflictField) == "email")
            #expect(try await store.customer(id: bob.id) == bob)

            // Lookups by email ignore case too.
            var query = ListQuery()
            query.limit = 10
            let found = try await store.customers(query, email: "ANN@EXAMPLE.com")
            #expect(found.items.map(\.id) == [ann.id])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func customerUpdatesCheckVersionAndKeepAContact(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let ann = try await store.createCustomer(name: "Ann", email: "ann@example.com", phone: nil, by: .system)
            let stale = await #expect(throws: CRMError.self) {
                try await store.updateCustomer(
                    id: ann.id, CustomerFields(name: "Ann Lee"), expectedVersion: 7, by: TestActors.agent)
            }
            #expect(stale == .versionMismatch(current: 1))

            let renamed = try await store.updateCustomer(
                id: ann.id, CustomerFields(name: "Ann Lee", phone: .some("+44 20 7946 0000")), expectedVersion: 1,
                by: TestActors.agent)
            #expect(renamed.version == 2)
            #expect(renamed.name == "Ann Lee")
            #expect(renamed.phone == "+44 20 7946 0000")
            #expect(try await store.customer(id: ann.id) == renamed)

            // An update that changes nothing keeps the version.
            let same = try await store.updateCustomer(
                id: ann.id, CustomerFields(name: "Ann Lee"), expectedVersion: nil, by: TestActors.agent)
            #expect(same.version == 2)

            // Removing the last way to reach a customer is refused.
            _ = try await store.updateCustomer(
                id: ann.id, CustomerFields(phone: .some(nil)), expectedVersion: nil, by: TestActors.agent)
            let unreachable = await #expect(throws: CRMError.self) {
                try await store.updateCustomer(
                    id: ann.id, CustomerFields(email: .some(nil)), expectedVersion: nil, by: TestActors.agent)
            }
            #expect(unreachable.map(Self.invalidField) == "email")
            await #expect(throws: CRMError.notFound(resource: "customer", id: "cus_nope")) {
                try await store.customer(id: "cus_nope")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func agentEmailsAreUniqueAndActiveFilters(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let ada = try await store.createAgent(name: "Ada", email: "Ada@Example.com", by: TestActors.admin)
            #expect(ada.email == "ada@example.com")
            #expect(ada.active)
            let duplicate = await #expect(throws: CRMError.self) {
                try await store.createAgent(name: "Ada 2", email: "ADA@example.com", by: TestActors.admin)
            }
            #expect(duplicate.map(Self.conflictField) == "email")

            let grace = try await store.createAgent(name: "Grace", email: "grace@example.com", by: TestActors.admin)
            let retired = try await store.updateAgent(
                id: grace.id, AgentFields(active: false), expectedVersion: 1, by: TestActors.admin)
            #expect(!retired.active)
            #expect(retired.version == 2)
            let clash = await #expect(throws: CRMError.self) {
                try await store.updateAgent(
                    id: grace.id, AgentFields(email: "ada@EXAMPLE.com"), expectedVersion: nil, by: TestActors.admin)
            }
            #expect(clash.map(Self.conflictField) == "email")

            let query = ListQuery()
            #expect(try await store.agents(query, active: false).items.map(\.id) == [grace.id])
            #expect(try await store.agents(query, active: true).items.map(\.id) == [ada.id])
            #expect(Set(try await store.agents(query).items.map(\.id)) == [ada.id, grace.id])
        }
    }

    static func conflictField(_ error: CRMError) -> String? {
        guard case .conflict(let field, _) = error else { return nil }
        return field
    }

    static func invalidField(_ error: CRMError) -> String? {
        guard case .invalid(let field, _) = error else { return nil }
        return field
    }
}
