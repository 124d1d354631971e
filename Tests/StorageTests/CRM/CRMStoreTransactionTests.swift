import Core
import SwitchboardTestSupport
import Testing

// Testable for `CRMStore.write`: the one place a change and its audit entry share a transaction.
@testable import Storage

/// The audit log and the data never disagree: each change writes its entry in its own transaction,
/// and a change that fails (refused by a constraint, or by a throw after rows were written) leaves
/// neither data nor audit behind.
@Suite(.timeLimit(.minutes(1)))
struct CRMStoreTransactionTests {
    struct Refused: Error {}

    @Test(arguments: StorageBackend.allCases)
    func everyChangeWritesItsAuditEntryWithTheActor(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let customer = try await store.createCustomer(
                name: "Ann", email: "ann@example.com", phone: nil, by: TestActors.agent)
            var draft = TicketDraft(subject: "Printer", channel: .email, customerID: customer.id)
            draft.tags = ["b", "A"]
            let ticket = try await store.createTicket(draft, by: TestActors.agent)
            var changes = TicketChanges()
            changes.status = .pending
            changes.subject = "Printer on fire"
            _ = try await store.updateTicket(id: ticket.id, changes, expectedVersion: 1, by: TestActors.admin)

            var query = AuditQuery()
            query.entityID = ticket.id
            query.list.ascending = true
            let entries = try await store.audit(query).items
            #expect(entries.map(\.action) == ["ticket.created", "ticket.updated"])
            #expect(entries.map(\.actor) == [TestActors.agent, TestActors.admin])
            #expect(entries.allSatisfy { $0.entityType == "ticket" && $0.entityID == ticket.id })
            let created = try #require(entries.first)
            #expect(created.changes.contains(AuditChange(field: "tags", from: nil, to: "a,b")))
            #expect(created.changes.contains(AuditChange(field: "customer_id", from: nil, to: customer.id)))
            let updated = try #require(entries.last)
            #expect(
                Set(updated.changes) == [
                    AuditChange(field: "status", from: "open", to: "pending"),
                    AuditChange(field: "subject", from: "Printer", to: "Printer on fire"),
                ])
            #expect(updated.at >= created.at)
            #expect(
                try await store.database.count("audit_log") == 3, "customer.created, ticket.created, ticket.updated")
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aRefusedChangeLeavesNoAuditEntry(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let ann = try await store.createCustomer(name: "Ann", email: "ann@example.com", phone: nil, by: .system)
            let bob = try await store.createCustomer(name: "Bob", email: "bob@example.com", phone: nil, by: .system)
            let before = try await store.database.count("audit_log")

            // Each refused after the store began writing: a unique index, a stale version, a bad reference.
            await #expect(throws: CRMError.self) {
                try await store.createCustomer(name: "Ann 2", email: "ANN@example.com", phone: nil, by: .system)
            }
            await #expect(throws: CRMError.self) {
                try await store.updateCustomer(
                    id: bob.id, CustomerFields(name: "Robert", email: "ann@example.com"), expectedVersion: nil,
                    by: .system)
            }
            await #expect(throws: CRMError.versionMismatch(current: 1)) {
                try await store.updateCustomer(id: ann.id, CustomerFields(name: "X"), expectedVersion: 9, by: .system)
            }
            var draft = TicketDraft(subject: "S", channel: .chat, customerID: ann.id)
            draft.assigneeID = "agt_" + String(repeating: "0", count: 26)
            await #expect(throws: CRMError.self) { try await store.createTicket(draft, by: .system) }

            #expect(try await store.database.count("audit_log") == before)
            #expect(try await store.database.count("customers") == 2)
            #expect(try await store.database.count("tickets") == 0)
            #expect(try await store.customer(id: bob.id) == bob, "the refused update left Bob as he was")
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aThrowAfterRowsAndAuditWereWrittenRollsBackBoth(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            await #expect(throws: Refused.self) {
                try await store.write(by: TestActors.agent) { (transaction: inout CRMTransaction) throws -> Bool in
                    let customer = try transaction.createCustomer(name: "Ann", email: "ann@example.com", phone: nil)
                    var draft = TicketDraft(subject: "Half done", channel: .email, customerID: customer.id)
                    draft.tags = ["x"]
                    let ticket = try transaction.createTicket(draft)
                    _ = try transaction.createMessage(
                        ticketID: ticket.id, MessageDraft(authorType: .customer, authorID: nil, body: "hi"))
                    throw Refused()
                }
            }
            for table in ["customers", "tickets", "ticket_tags", "messages", "audit_log"] {
                #expect(try await store.database.count(table) == 0, "\(table) kept rows of a rolled-back change")
            }
            // The same email is free, and the pool's connections are fine after the rollback.
            for index in 0..<4 {
                _ = try await store.createCustomer(
                    name: "Ann \(index)", email: "ann\(index == 0 ? "" : "\(index)")@example.com", phone: nil,
                    by: .system)
            }
            #expect(try await store.database.count("customers") == 4)
            #expect(try await store.database.count("audit_log") == 4)
        }
    }
}
