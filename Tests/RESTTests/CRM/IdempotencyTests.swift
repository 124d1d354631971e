import Foundation
import SwitchboardTestSupport
import Testing

/// `Idempotency-Key` on POST, on both backends: replays, mismatches, concurrent duplicates, and
/// keys scoped per API key.
@Suite(.timeLimit(.minutes(1)))
struct IdempotencyTests {
    @Test(arguments: StorageBackend.allCases)
    func retryReplaysTheStoredResponse(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let body: [String: Any] = ["subject": "Once", "channel": "email", "customer_id": customer]
            let key = [("Idempotency-Key", "create-once-\(backend)")]

            let first = try await Self.post(api, "/v1/tickets", body, headers: key)
            #expect(first.status == 201, "\(first.body)")
            #expect(first[header: "idempotency-replayed"] == nil)
            let id = try #require(first.string("id"))

            let retry = try await Self.post(api, "/v1/tickets", body, headers: key)
            #expect(retry.status == 201)
            #expect(retry[header: "idempotency-replayed"] == "true")
            #expect(retry.string("id") == id)
            #expect(retry.body == first.body, "the stored body, byte for byte")
            #expect(retry[header: "location"] == "/v1/tickets/\(id)")
            #expect(retry[header: "etag"] == "\"1\"")
            #expect(retry[header: "content-type"] == "application/json")
            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)") == [id], "only one ticket exists")

            var changed = body
            changed["subject"] = "Twice"
            let mismatch = try await Self.post(api, "/v1/tickets", changed, headers: key)
            #expect(mismatch.status == 422, "\(mismatch.body)")
            #expect(mismatch.isProblem)
            #expect(mismatch.detail.contains("Idempotency-Key"))
            let otherRoute = try await Self.post(
                api, "/v1/customers", ["name": "X", "email": "x@example.com"], headers: key)
            #expect(otherRoute.status == 422, "the key names one request, path included: \(otherRoute.body)")

            // Keys are per API key: the agent's same key is a new request.
            let agent = api.with(key: TestAPIKeys.agent)
            let agents = try await Self.post(agent, "/v1/tickets", body, headers: key)
            #expect(agents.status == 201, "\(agents.body)")
            #expect(agents[header: "idempotency-replayed"] == nil)
            let agentsID = try #require(agents.string("id"))
            #expect(agentsID != id)
            let agentsRetry = try await Self.post(agent, "/v1/tickets", body, headers: key)
            #expect(agentsRetry.string("id") == agentsID)
            #expect(agentsRetry[header: "idempotency-replayed"] == "true")
            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)") == [id, agentsID])

            // A 4xx answer is final too, and replayed.
            let badKey = [("Idempotency-Key", "bad-body-\(backend)")]
            let bad = try await Self.post(api, "/v1/tickets", ["subject": 5], headers: badKey)
            #expect(bad.status == 400)
            let badRetry = try await Self.post(api, "/v1/tickets", ["subject": 5], headers: badKey)
            #expect(badRetry.status == 400)
            #expect(badRetry[header: "idempotency-replayed"] == "true")
            #expect(badRetry.isProblem, "\(badRetry.body)")
            #expect(badRetry.body == bad.body)
            #expect(badRetry.errorFields == bad.errorFields)

            // Messages take keys too: one message, one version step.
            let messageKey = [("Idempotency-Key", "message-once")]
            let messageBody = ["author_type": "customer", "body": "Hello once"]
            let message = try await Self.post(api, "/v1/tickets/\(id)/messages", messageBody, headers: messageKey)
            #expect(message.status == 201)
            let messageRetry = try await Self.post(api, "/v1/tickets/\(id)/messages", messageBody, headers: messageKey)
            #expect(messageRetry.string("id") == message.string("id"))
            #expect(messageRetry[header: "location"] == message[header: "location"])
            #expect(try await api.get("/v1/tickets/\(id)/messages").items.count == 1)
            #expect(try await CRMFixtures.current(api, id).version == 2)

            // Keys without a POST are ignored; PATCH has If-Match.
            let patched = try await api.patch(
                "/v1/tickets/\(id)", ["status": "pending"], headers: key + [("If-Match", "\"2\"")])
            #expect(patched.status == 200, "\(patched.body)")
        }
    }

    /// POSTs `json` as sorted-key bytes, so a retry sends exactly the bytes of the first attempt
    /// (the key's fingerprint is of the bytes; `JSONSerialization` may order keys differently).
    static func post(
        _ api: APIClient, _ path: String, _ json: [String: Any], headers: [(String, String)]
    ) async throws -> APIResponse {
        let body = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return try await api.send("POST", path, rawBody: Array(body), headers: headers)
    }

    @Test func malformedKeysAre400() async throws {
        try await withCRMServer(.sqlite) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let body: [String: Any] = ["subject": "Key", "channel": "email", "customer_id": customer]
            for key in [String(repeating: "k", count: 300), String(repeating: "k", count: 256), "has space", ""] {
                let response = try await Self.post(api, "/v1/tickets", body, headers: [("Idempotency-Key", key)])
                #expect(response.status == 400, "\(key.prefix(20)) (\(key.count)): \(response.body)")
                #expect(response.isProblem)
                #expect(response.detail.contains("Idempotency-Key"))
            }
            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)").isEmpty)
            let longest = try await Self.post(
                api,
                "/v1/tickets", body, headers: [("Idempotency-Key", String(repeating: "k", count: 255))])
            #expect(longest.status == 201)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func concurrentDuplicatesCreateOneTicket(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let rounds = 5
            let copies = 3
            var created: Set<String> = []
            for round in 0..<rounds {
                let key = "race-\(round)"
                let body: [String: Any] = ["subject": "Race \(round)", "channel": "chat", "customer_id": customer]
                let frozen = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
                let responses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                    for _ in 0..<copies {
                        group.addTask {
                            try await api.send(
                                "POST", "/v1/tickets", rawBody: Array(frozen), headers: [("Idempotency-Key", key)])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let fresh = responses.filter { $0.status == 201 && $0[header: "idempotency-replayed"] == nil }
                #expect(fresh.count == 1, "round \(round): \(responses.map { "\($0.status) \($0.body)" })")
                let id = try #require(fresh.first?.string("id"))
                created.insert(id)
                for response in responses
                where response.status != 201 || response[header: "idempotency-replayed"] != nil {
                    if response.status == 409 {
                        #expect(response.isProblem)
                        #expect(response[header: "retry-after"] != nil)
                    } else {
                        #expect(response.status == 201, "round \(round): \(response.status) \(response.body)")
                        #expect(response.string("id") == id, "a replay of the same ticket")
                    }
                }
                // After the race, a retry is a replay.
                let retry = try await api.send(
                    "POST", "/v1/tickets", rawBody: Array(frozen), headers: [("Idempotency-Key", key)])
                #expect(retry.status == 201)
                #expect(retry[header: "idempotency-replayed"] == "true")
                #expect(retry.string("id") == id)
            }
            #expect(created.count == rounds)
            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)") == created, "one ticket per key")
        }
    }
}
