import SwitchboardTestSupport
import Testing

/// `POST /v1/support/requests` on both backends, through real HTTP.
@Suite struct SupportIntakeTests {
    @Test(arguments: StorageBackend.allCases)
    func intakeCreatesCustomerTicketAndFirstMessage(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let created = try await api.post(
                "/v1/support/requests",
                [
                    "channel": "email", "name": "Ann Lee", "email": "Ann@Example.com", "subject": "Printer on fire",
                    "message": "It is really on fire.",
                ])
            #expect(created.status == 201, "\(created.body)")
            let ticketID = try #require(created.string("id"))
            #expect(created[header: "location"] == "/v1/tickets/\(ticketID)")
            #expect(created[header: "etag"] == "\"1\"")
            #expect(created.string("status") == "open")
            #expect(created.string("channel") == "email")
            let customerID = try #require(created.string("customer_id"))

            let messages = try await api.get("/v1/tickets/\(ticketID)/messages")
            #expect(messages.status == 200)
            #expect(messages.items.count == 1)
            #expect(messages.items.first?["body"] as? String == "It is really on fire.")
            #expect(messages.items.first?["author_type"] as? String == "customer")
            #expect(messages.items.first?["author_id"] as? String == customerID)

            // The same email (any case) finds the same customer.
            let again = try await api.post(
                "/v1/support/requests",
                ["channel": "chat", "name": "Ann", "email": "ann@example.COM", "subject": "Still", "message": "Hi"])
            #expect(again.status == 201)
            #expect(again.string("customer_id") == customerID)
        }
    }
}
