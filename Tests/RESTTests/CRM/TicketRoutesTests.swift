import Foundation
import SwitchboardTestSupport
import Testing

/// `POST|GET|PATCH|DELETE /v1/tickets[/{id}]` on both backends, through real HTTP: ETags,
/// preconditions, assignees and archiving.
@Suite(.timeLimit(.minutes(1)))
struct TicketRoutesTests {
    @Test(arguments: StorageBackend.allCases)
    func createThenGetWithETag(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let created = try await CRMFixtures.ticket(api, customer: customer, subject: "  Printer on fire  ")
            let id = try #require(created.string("id"))
            #expect(id.hasPrefix("tkt_"))
            #expect(created[header: "location"] == "/v1/tickets/\(id)")
            #expect(created[header: "etag"] == "\"1\"")
            #expect(created[header: "content-type"] == "application/json")
            #expect(created.version == 1)
            #expect(created.string("subject") == "Printer on fire", "surrounding spaces are trimmed")
            #expect(created.string("status") == "open")
            #expect(created.string("priority") == "normal")
            #expect(created.string("channel") == "email")
            #expect(created.string("customer_id") == customer)
            #expect(created.object["assignee_id"] is NSNull)
            #expect(created.object["archived_at"] is NSNull)
            #expect((created.object["tags"] as? [String]) == [])
            let createdAt = try #require(created.string("created_at"))
            #expect(createdAt.hasSuffix("Z") && createdAt.count == 24, "RFC 3339 UTC with milliseconds: \(createdAt)")
            #expect(created.string("updated_at") == createdAt)

            let fetched = try await api.get(try #require(created[header: "location"]))
            #expect(fetched.status == 200)
            #expect(fetched[header: "etag"] == "\"1\"")
            #expect(jsonEqual(fetched.object, created.object), "GET shows what POST returned")

            // If-None-Match: the current tag (strong, weak, in a list, or *) is 304 with no body.
            for value in ["\"1\"", "W/\"1\"", "\"7\", \"1\"", "*"] {
                let cached = try await api.get("/v1/tickets/\(id)", headers: [("If-None-Match", value)])
                #expect(cached.status == 304, "If-None-Match: \(value)")
                #expect(cached[header: "etag"] == "\"1\"")
                #expect(cached.body.isEmpty)
            }
            let stale = try await api.get("/v1/tickets/\(id)", headers: [("If-None-Match", "\"2\"")])
            #expect(stale.status == 200)
            #expect(stale.string("id") == id)

            // Agents see and make tickets too.
            let agent = api.with(key: TestAPIKeys.agent)
            #expect(try await agent.get("/v1/tickets/\(id)").status == 200)
            let byAgent = try await agent.post(
                "/v1/tickets",
                [
                    "subject": "Chat", "channel": "chat", "customer_id": customer, "priority": "high",
                    "tags": ["VIP", "b"],
                ])
            #expect(byAgent.status == 201, "\(byAgent.body)")
            #expect((byAgent.object["tags"] as? [String]) == ["b", "vip"], "tags are lower-cased and sorted")
            #expect(byAgent.string("priority") == "high")
            #expect(try await api.with(key: nil).get("/v1/tickets/\(id)").status == 401)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func patchNeedsACurrentIfMatch(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let id = try await CRMFixtures.ticketID(api, customer: customer)
            let path = "/v1/tickets/\(id)"

            let missing = try await api.patch(path, ["status": "pending"])
            #expect(missing.status == 428)
            #expect(missing.isProblem, "\(missing.body)")
            #expect(missing.detail.contains("If-Match"))

            let wrong = try await api.patch(path, ["status": "pending"], headers: [("If-Match", "\"7\"")])
            #expect(wrong.status == 412)
            #expect(wrong.isProblem, "\(wrong.body)")
            #expect(wrong[header: "etag"] == "\"1\"", "412 says which version is current")
            #expect(try await CRMFixtures.current(api, id).version == 1, "a refused PATCH changes nothing")

            let patched = try await api.patch(
                path, ["status": "pending", "priority": "high"], headers: [("If-Match", "\"1\"")])
            #expect(patched.status == 200, "\(patched.body)")
            #expect(patched.version == 2)
            #expect(patched[header: "etag"] == "\"2\"")
            #expect(patched.string("status") == "pending")
            #expect(patched.string("priority") == "high")
            #expect(patched.string("updated_at") != nil)

            let stale = try await api.patch(path, ["status": "solved"], headers: [("If-Match", "\"1\"")])
            #expect(stale.status == 412)
            #expect(stale[header: "etag"] == "\"2\"")

            let weak = try await api.patch(path, ["status": "solved"], headers: [("If-Match", "W/\"2\"")])
            #expect(weak.status == 412, "a weak tag never matches If-Match")

            let any = try await api.patch(path, ["subject": "Now on fire"], headers: [("If-Match", "*")])
            #expect(any.status == 200, "\(any.body)")
            #expect(any.version == 3)
            #expect(any.string("subject") == "Now on fire")

            let list = try await api.patch(path, ["status": "solved"], headers: [("If-Match", "\"1\", \"3\"")])
            #expect(list.status == 200, "If-Match with a list matches any of its tags: \(list.body)")
            #expect(list.version == 4)

            let garbage = try await api.patch(path, ["status": "open"], headers: [("If-Match", "4")])
            #expect(garbage.status == 400, "an unquoted tag is malformed")
            #expect(garbage.isProblem)

            // A PATCH that changes nothing keeps the version (and the ETag).
            let current = try await CRMFixtures.current(api, id)
            let version = try #require(current.version)
            let tag = "\"\(version)\""
            for body: [String: Any] in [[:], ["status": current.string("status")!], ["subject": "  Now on fire "]] {
                let same = try await api.patch(path, body, headers: [("If-Match", tag)])
                #expect(same.status == 200, "\(same.body)")
                #expect(same.version == version, "no-op \(body)")
                #expect(same[header: "etag"] == tag)
            }
            let tags = try await api.patch(path, ["tags": ["b", "A", "a"]], headers: [("If-Match", tag)])
            #expect(tags.status == 200)
            #expect((tags.object["tags"] as? [String]) == ["a", "b"])
            let sameTags = try await api.patch(path, ["tags": ["B", "a"]], headers: [("If-Match", "*")])
            #expect(sameTags.version == version + 1, "the same tags in another order are no change")
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func assigneeMustBeAnActiveAgent(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let active = try await CRMFixtures.agent(api)
            let inactive = try await CRMFixtures.agent(api, active: false)
            let id = try await CRMFixtures.ticketID(api, customer: customer)
            let path = "/v1/tickets/\(id)"

            for (assignee, reason) in [(CRMFixtures.unknownID("agt"), "no agent"), (inactive, "inactive")] {
                let refused = try await api.patch(path, ["assignee_id": assignee], headers: [("If-Match", "*")])
                #expect(refused.status == 422, "\(reason): \(refused.body)")
                #expect(refused.isProblem)
                #expect(refused.errorFields == ["assignee_id"])
                #expect(refused.detail.contains(assignee))
            }
            #expect(try await CRMFixtures.current(api, id).version == 1)

            let assigned = try await api.patch(path, ["assignee_id": active], headers: [("If-Match", "\"1\"")])
            #expect(assigned.status == 200, "\(assigned.body)")
            #expect(assigned.string("assignee_id") == active)
            #expect(assigned.version == 2)

            let unassigned = try await api.patch(path, ["assignee_id": NSNull()], headers: [("If-Match", "\"2\"")])
            #expect(unassigned.status == 200)
            #expect(unassigned.object["assignee_id"] is NSNull)
            #expect(unassigned.version == 3)

            let createdAssigned = try await CRMFixtures.ticket(api, customer: customer, ["assignee_id": active])
            #expect(createdAssigned.string("assignee_id") == active)
            let createdInactive = try await api.post(
                "/v1/tickets", ["subject": "s", "channel": "chat", "customer_id": customer, "assignee_id": inactive])
            #expect(createdInactive.status == 422)
            #expect(createdInactive.errorFields == ["assignee_id"])
            let unknownCustomer = try await api.post(
                "/v1/tickets", ["subject": "s", "channel": "chat", "customer_id": CRMFixtures.unknownID("cus")])
            #expect(unknownCustomer.status == 422)
            #expect(unknownCustomer.errorFields == ["customer_id"])

            // Agents are made by admins only.
            let byAgent = try await api.with(key: TestAPIKeys.agent).post(
                "/v1/agents", ["name": "Eve", "email": "eve@example.com"])
            #expect(byAgent.status == 403)
            #expect(byAgent.isProblem)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func deleteArchives(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let kept = try await CRMFixtures.ticketID(api, customer: customer, subject: "Kept")
            let archived = try await CRMFixtures.ticketID(api, customer: customer, subject: "Archived")

            let stale = try await api.delete("/v1/tickets/\(archived)", headers: [("If-Match", "\"5\"")])
            #expect(stale.status == 412)
            let deleted = try await api.delete("/v1/tickets/\(archived)")
            #expect(deleted.status == 200, "\(deleted.body)")
            #expect(deleted.string("archived_at") != nil)
            #expect(deleted.version == 2)
            #expect(deleted[header: "etag"] == "\"2\"")

            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)") == [kept])
            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)&archived=true") == [archived])
            #expect(try await CRMFixtures.ticketIDs(api, "archived=false") == [kept])

            let fetched = try await CRMFixtures.current(api, archived)
            #expect(fetched.string("archived_at") == deleted.string("archived_at"))

            let patch = try await api.patch(
                "/v1/tickets/\(archived)", ["status": "open"], headers: [("If-Match", "\"2\"")])
            #expect(patch.status == 409, "\(patch.body)")
            #expect(patch.isProblem)
            let message = try await api.post(
                "/v1/tickets/\(archived)/messages", ["author_type": "customer", "body": "Hello?"])
            #expect(message.status == 409, "\(message.body)")

            let again = try await api.delete("/v1/tickets/\(archived)")
            #expect(again.status == 200, "archiving twice is a no-op")
            #expect(again.version == 2)
            #expect(try await CRMFixtures.current(api, archived).version == 2)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func unknownAndMalformedIDsAre404(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let unknown = CRMFixtures.unknownID("tkt")
            let responses = [
                try await api.get("/v1/tickets/\(unknown)"),
                try await api.patch("/v1/tickets/\(unknown)", ["status": "open"], headers: [("If-Match", "*")]),
                try await api.delete("/v1/tickets/\(unknown)"),
                try await api.get("/v1/tickets/\(unknown)/messages"),
                try await api.post("/v1/tickets/\(unknown)/messages", ["author_type": "customer", "body": "Hi"]),
            ]
            for response in responses {
                #expect(response.status == 404, "\(response.body)")
                #expect(response.isProblem)
                #expect(response.detail.contains(unknown))
            }
            let message = try await api.get("/v1/messages/\(CRMFixtures.unknownID("msg"))")
            #expect(message.status == 404)
            #expect(message.isProblem)

            let malformed = [
                "123", "tkt_abc", "tkt_" + String(repeating: "0", count: 27),
                "tkt_" + String(repeating: "u", count: 26),
                CRMFixtures.unknownID("cus"), "tkt_%2e%2e", String(repeating: "x", count: 500),
            ]
            for id in malformed {
                let response = try await api.get("/v1/tickets/\(id)")
                #expect(response.status == 404, "\(id): \(response.body)")
                #expect(response.isProblem)
                #expect(response.body.count < 600, "the id is not echoed in full")
                let patch = try await api.patch("/v1/tickets/\(id)", ["status": "open"], headers: [("If-Match", "*")])
                #expect(patch.status == 404, "\(id): \(patch.body)")
            }
            #expect(try await api.get("/v1/messages/tkt_abc").status == 404)
        }
    }
}
