import Core
import Storage
import SwitchboardTestSupport
import Testing

/// Filter values are bound parameters, never SQL: hostile text finds nothing (or exactly what it
/// says, literally) and the tables are all still there afterwards.
@Suite(.timeLimit(.minutes(1)))
struct CRMStoreInjectionTests {
    static let hostile = [
        "'; DROP TABLE tickets; --",
        "x' OR '1'='1",
        "\") OR 1=1 --",
        "$1",
        "'; DELETE FROM customers; SELECT '",
        "%' OR 1=1 --",
    ]

    @Test(arguments: StorageBackend.allCases)
    func hostileFiltersAreInert(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let customer = try await store.createCustomer(
                name: "Ann", email: "ann@example.com", phone: "+1 555 0100", by: .system)
            let ticket = try await store.createTicket(
                TicketDraft(subject: "Printer", channel: .email, customerID: customer.id), by: .system)
            try await store.recordCallStarted(
                CallStart(
                    callSid: "CA1", streamSid: "MZ1", accountSid: nil, app: "echo", startedAt: .now(),
                    ticketID: ticket.id))

            for text in Self.hostile {
                var tickets = TicketQuery()
                tickets.text = text
                tickets.tag = text
                #expect(try await store.tickets(tickets).items.isEmpty, "tickets q/tag \(text)")
                var byCustomer = TicketQuery()
                byCustomer.customerID = text
                #expect(try await store.tickets(byCustomer).items.isEmpty, "tickets customer \(text)")

                var list = ListQuery()
                list.text = text
                #expect(try await store.customers(list).items.isEmpty, "customers q \(text)")
                #expect(try await store.customers(ListQuery(), email: text).items.isEmpty, "customers email \(text)")
                #expect(try await store.agents(list).items.isEmpty, "agents q \(text)")

                var calls = CallQuery()
                calls.callSid = text
                #expect(try await store.calls(calls).items.isEmpty, "calls call_sid \(text)")
                calls = CallQuery()
                calls.ticketID = text
                #expect(try await store.calls(calls).items.isEmpty, "calls ticket_id \(text)")

                var audit = AuditQuery()
                audit.entityType = text
                #expect(try await store.audit(audit).items.isEmpty, "audit entity_type \(text)")
                audit = AuditQuery()
                audit.actor = text
                #expect(try await store.audit(audit).items.isEmpty, "audit actor \(text)")

                await #expect(throws: CRMError.self) { try await store.ticket(id: text) }
                await #expect(throws: CRMError.self) { try await store.customer(id: text) }
            }

            // Everything is still there.
            #expect(try await store.ticket(id: ticket.id) == ticket)
            #expect(try await store.customer(id: customer.id) == customer)
            #expect(try await store.calls(CallQuery()).items.count == 1)
            for table in ["customers", "tickets", "calls", "audit_log"] {
                #expect(try await store.database.count(table) >= 1, "\(table)")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func hostileTextIsStoredAndFoundLiterally(backend: StorageBackend) async throws {
        try await withMigratedStore(backend) { store in
            let plain = try await store.createCustomer(
                name: "Plain", email: "plain@example.com", phone: nil, by: .system)
            let hostile = try await store.createCustomer(
                name: "Robert'); DROP TABLE customers; -- 100% _real_", email: "bobby@example.com", phone: nil,
                by: .system)
            #expect(try await store.customer(id: hostile.id).name == hostile.name)

            var list = ListQuery()
            list.text = "drop table customers"
            #expect(try await store.customers(list).items.map(\.id) == [hostile.id], "q is case-insensitive")
            // LIKE wildcards in q match themselves, not anything.
            list.text = "%"
            #expect(try await store.customers(list).items.map(\.id) == [hostile.id])
            list.text = "_real_"
            #expect(try await store.customers(list).items.map(\.id) == [hostile.id])
            list.text = "p_ain"
            #expect(try await store.customers(list).items.isEmpty)
            list.text = "plain"
            #expect(try await store.customers(list).items.map(\.id) == [plain.id])

            let ticket = try await store.createTicket(
                TicketDraft(subject: "'; DROP TABLE tickets; --", channel: .chat, customerID: hostile.id), by: .system)
            var query = TicketQuery()
            query.text = "'; DROP TABLE tickets; --"
            #expect(try await store.tickets(query).items.map(\.id) == [ticket.id])
            #expect(try await store.database.count("tickets") == 1)
        }
    }
}
