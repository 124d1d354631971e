import Foundation
import SwitchboardTestSupport
import Testing

/// The concurrency requirement, on both backends: 20 clients doing GET -> PATCH(If-Match)
/// loops with retries on 412 lose no update.
@Suite(.timeLimit(.minutes(1)))
struct ConcurrentUpdateTests {
    static let clients = 20
    /// Increments of the shared counter (kept in the subject) each client makes after adding its tag.
    static let incrementsPerClient = 2

    /// What one client did: its successful PATCHes, and the 412s it retried after.
    struct Tally: Sendable {
        var successes = 0
        var conflicts = 0
    }

    @Test(arguments: StorageBackend.allCases)
    func twentyClientsLoseNoUpdate(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let id = try await CRMFixtures.ticketID(api, customer: customer, subject: "count 0")
            let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
                for client in 0..<Self.clients {
                    let key = client.isMultiple(of: 2) ? TestAPIKeys.admin : TestAPIKeys.agent
                    group.addTask { try await Self.runClient(client, ticket: id, api: api.with(key: key)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let successes = tallies.map(\.successes).reduce(0, +)
            #expect(successes == Self.clients * (1 + Self.incrementsPerClient))

            // Every client's tag and every increment made it; the version counts every PATCH.
            let final = try await CRMFixtures.current(api, id)
            let tags = Set((final.object["tags"] as? [String]) ?? [])
            #expect(tags == Set((0..<Self.clients).map(Self.tag)), "\(final.body)")
            #expect(final.string("subject") == "count \(Self.clients * Self.incrementsPerClient)")
            #expect(final.version == 1 + successes)
            #expect(final[header: "etag"] == "\"\(1 + successes)\"")
        }
    }

    /// Messages bump the version too: concurrent messages and PATCHes must each add exactly one, or
    /// two different states of the ticket would share an ETag.
    @Test(arguments: StorageBackend.allCases)
    func messagesAndPatchesEachAddOneVersion(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let id = try await CRMFixtures.ticketID(api, customer: customer, subject: "count 0")
            let messagesPerClient = 3
            let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
                for client in 0..<10 {
                    group.addTask {
                        for index in 0..<messagesPerClient {
                            let body = ["author_type": "customer", "body": "client \(client) message \(index)"]
                            let posted = try await api.post("/v1/tickets/\(id)/messages", body)
                            try #require(posted.status == 201, "\(posted.body)")
                        }
                        return Tally(successes: 0)
                    }
                    group.addTask { try await Self.runClient(client, ticket: id, api: api, steps: 1) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let patches = tallies.map(\.successes).reduce(0, +)
            let messages = try await CRMFixtures.allItems(api, "/v1/tickets/\(id)/messages?limit=200")
            #expect(messages.count == 10 * messagesPerClient)
            let final = try await CRMFixtures.current(api, id)
            #expect(final.version == 1 + patches + messages.count, "\(final.body)")
            #expect(Set((final.object["tags"] as? [String]) ?? []) == Set((0..<10).map(Self.tag)), "\(final.body)")
        }
    }

    /// An archive racing PATCHes: every successful change reports a version of its own.
    @Test(arguments: StorageBackend.allCases)
    func archiveRacingPatchesTakesItsOwnVersion(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            for round in 0..<3 {
                let id = try await CRMFixtures.ticketID(api, customer: customer, subject: "Round \(round)")
                let path = "/v1/tickets/\(id)"
                let responses = try await withThrowingTaskGroup(of: (String, APIResponse).self) { group in
                    for client in 0..<8 {
                        group.addTask {
                            (
                                "PATCH",
                                try await api.patch(path, ["tags": [Self.tag(client)]], headers: [("If-Match", "*")])
                            )
                        }
                        if client == 3 { group.addTask { ("DELETE", try await api.delete(path)) } }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                for (method, response) in responses {
                    #expect(
                        [200, 409, 412].contains(response.status), "\(method): \(response.status) \(response.body)")
                }
                let changes = responses.filter { $0.1.status == 200 }
                #expect(changes.contains { $0.0 == "DELETE" }, "round \(round)")
                let versions = changes.compactMap(\.1.version)
                #expect(Set(versions).count == versions.count, "round \(round): versions \(versions.sorted())")
                let final = try await CRMFixtures.current(api, id)
                #expect(final.version == 1 + changes.count, "round \(round): \(final.body)")
                #expect(final.string("archived_at") != nil)
            }
        }
    }

    static func tag(_ client: Int) -> String { "client-\(client)" }

    /// Adds the client's tag to the current list, then bumps the counter, each as GET -> PATCH
    /// with the GET's ETag, starting over on 412.
    static func runClient(
        _ client: Int, ticket: String, api: APIClient, steps: Int = 1 + Self.incrementsPerClient
    ) async throws -> Tally {
        var tally = Tally()
        let path = "/v1/tickets/\(ticket)"
        for step in 0..<steps {
            var attempts = 0
            while true {
                attempts += 1
                try #require(attempts <= 500, "client \(client) step \(step) never got through")
                let current = try await api.get(path)
                try #require(current.status == 200, "\(current.body)")
                let etag = try #require(current[header: "etag"])
                let change: [String: Any]
                if step == 0 {
                    change = ["tags": ((current.object["tags"] as? [String]) ?? []) + [Self.tag(client)]]
                } else {
                    let subject = try #require(current.string("subject"))
                    let count = try #require(Int(subject.dropFirst("count ".count)), "\(subject)")
                    change = ["subject": "count \(count + 1)"]
                }
                let patched = try await api.patch(path, change, headers: [("If-Match", etag)])
                if patched.status == 412 {
                    tally.conflicts += 1
                    #expect(patched[header: "etag"] != etag, "a 412 names a newer version")
                    continue
                }
                try #require(patched.status == 200, "client \(client): \(patched.status) \(patched.body)")
                #expect(patched.version.map(String.init).map { "\"\($0)\"" } == patched[header: "etag"])
                #expect(patched.version == (current.version ?? 0) + 1, "client \(client)")
                tally.successes += 1
                break
            }
        }
        return tally
    }
}
