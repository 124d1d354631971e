import Foundation
import SwitchboardTestSupport
import Testing

/// `GET|POST /v1/tickets/{id}/messages` and `GET /v1/messages/{id}` on both backends: authors,
/// defaults, order, and the ticket version each message adds.
@Suite(.timeLimit(.minutes(1)))
struct MessageRoutesTests {
    @Test(arguments: StorageBackend.allCases)
    func postGetAndListOldestFirst(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let agent = try await CRMFixtures.agent(api)
            let ticket = try await CRMFixtures.ticketID(api, customer: customer, ["channel": "phone"])
            let messages = "/v1/tickets/\(ticket)/messages"

            let fromCustomer = try await api.post(messages, ["author_type": "customer", "body": "  It is on fire.  "])
            #expect(fromCustomer.status == 201, "\(fromCustomer.body)")
            let customerMessage = try #require(fromCustomer.string("id"))
            #expect(customerMessage.hasPrefix("msg_"))
            #expect(fromCustomer[header: "location"] == "/v1/messages/\(customerMessage)")
            #expect(fromCustomer.string("ticket_id") == ticket)
            #expect(fromCustomer.string("author_type") == "customer")
            #expect(fromCustomer.string("author_id") == customer, "the ticket's customer by default")
            #expect(fromCustomer.string("direction") == "inbound")
            #expect(fromCustomer.string("channel") == "phone", "the ticket's channel by default")
            #expect(fromCustomer.string("body") == "It is on fire.")
            #expect(fromCustomer.string("created_at")?.hasSuffix("Z") == true)
            #expect(try await CRMFixtures.current(api, ticket).version == 2)

            let fromAgent = try await api.with(key: TestAPIKeys.agent).post(
                messages, ["author_type": "agent", "author_id": agent, "body": "On my way", "channel": "email"])
            #expect(fromAgent.status == 201, "\(fromAgent.body)")
            #expect(fromAgent.string("author_id") == agent)
            #expect(fromAgent.string("direction") == "outbound")
            #expect(fromAgent.string("channel") == "email")
            let current = try await CRMFixtures.current(api, ticket)
            #expect(current.version == 3)
            #expect(current[header: "etag"] == "\"3\"")

            let explicit = try await api.post(
                messages,
                ["author_type": "customer", "author_id": customer, "body": "Thanks", "direction": "inbound"])
            #expect(explicit.status == 201, "\(explicit.body)")
            #expect(try await CRMFixtures.current(api, ticket).version == 4)

            let fetched = try await api.get(try #require(fromCustomer[header: "location"]))
            #expect(fetched.status == 200)
            #expect(jsonEqual(fetched.object, fromCustomer.object))

            let list = try await api.get(messages)
            #expect(list.status == 200)
            let ids = [customerMessage, try #require(fromAgent.string("id")), try #require(explicit.string("id"))]
            #expect(list.items.compactMap { $0["id"] as? String } == ids, "oldest first")
            #expect(list.next == nil)
            #expect(jsonEqual(try #require(list.items.first), fromCustomer.object))
            let newest = try await api.get(messages + "?sort=-created_at")
            #expect(newest.items.compactMap { $0["id"] as? String } == ids.reversed())
            let paged = try await CRMFixtures.allItems(api, messages + "?limit=2")
            #expect(paged.compactMap { $0["id"] as? String } == ids)
            let first = try await api.get(messages + "?limit=2")
            #expect(first[header: "link"]?.hasSuffix("; rel=\"next\"") == true)

            for query in ["limit=0", "sort=priority", "q=fire", "cursor=zzz"] {
                let refused = try await api.get(messages + "?" + query)
                #expect(refused.status == 400, "?\(query)")
                #expect(refused.isProblem)
                #expect(refused.errorFields.count == 1, "?\(query): \(refused.body)")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func authorsMustFitTheTicket(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let stranger = try await CRMFixtures.customer(api, name: "Stranger")
            let ticket = try await CRMFixtures.ticketID(api, customer: customer)
            let messages = "/v1/tickets/\(ticket)/messages"

            let refusals: [([String: Any], String)] = [
                (["author_type": "agent", "body": "Hi"], "an agent message without author_id"),
                (["author_type": "agent", "author_id": NSNull(), "body": "Hi"], "an agent message with a null author"),
                (
                    ["author_type": "agent", "author_id": CRMFixtures.unknownID("agt"), "body": "Hi"],
                    "an unknown agent"
                ),
                (["author_type": "agent", "author_id": customer, "body": "Hi"], "a customer posing as an agent"),
                (["author_type": "customer", "author_id": stranger, "body": "Hi"], "another customer"),
                (["author_type": "customer", "author_id": CRMFixtures.unknownID("cus"), "body": "Hi"], "no customer"),
            ]
            for (body, reason) in refusals {
                let response = try await api.post(messages, body)
                #expect(response.status == 422, "\(reason): \(response.body)")
                #expect(response.isProblem, "\(reason)")
                #expect(response.errorFields == ["author_id"], "\(reason): \(response.body)")
            }
            let invalid: [([String: Any], [String])] = [
                (["author_type": "robot", "body": "Hi"], ["author_type"]),
                (["author_type": "customer"], ["body"]),
                (["author_type": "customer", "body": ""], ["body"]),
                (["author_type": "customer", "body": String(repeating: "x", count: 10_001)], ["body"]),
                (
                    ["author_type": "customer", "body": "Hi", "direction": "sideways", "channel": "fax"],
                    ["direction", "channel"]
                ),
                (["body": "Hi", "ticket_id": ticket], ["author_type", "ticket_id"]),
            ]
            for (body, fields) in invalid {
                let response = try await api.post(messages, body)
                #expect(response.status == 400, "\(body): \(response.body)")
                #expect(Set(response.errorFields) == Set(fields), "\(body): \(response.body)")
            }
            #expect(try await CRMFixtures.current(api, ticket).version == 1, "refused messages change nothing")
            #expect(try await api.get(messages).items.isEmpty)

            let long = try await api.post(
                messages, ["author_type": "customer", "body": String(repeating: "é", count: 10_000)])
            #expect(long.status == 201, "10 000 characters are allowed, whatever their UTF-8 size")
            #expect(try await CRMFixtures.current(api, ticket).version == 2)
        }
    }
}
