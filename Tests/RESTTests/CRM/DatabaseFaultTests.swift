import Core
import Foundation
import Storage
import SwitchboardTestSupport
import Testing

/// The CRM API over a private PostgreSQL cluster that crashes, starts late or hangs: requests get a
/// 503 problem with `Retry-After` in bounded time (never a hang or a 500), `/ready` says it is the
/// database, `/health` stays up, and the same server recovers by itself when the database returns.
///
/// Serialized so the timing bounds are not measured while another cluster is being created.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct DatabaseFaultTests {
    @Test func aStoppedDatabaseAnswers503FastAndTheServerRecoversByItself() async throws {
        try await withFaultCluster { cluster, url in
            try await withFaultServer(url) { api in
                let customer = try await CRMFixtures.customer(api)
                let ticket = try await CRMFixtures.ticket(api, customer: customer, subject: "Survives a crash")
                let id = try #require(ticket.string("id"))
                #expect(try await api.get("/v1/tickets").items.count == 1)

                try await cluster.stop()
                // Twice each: the first requests find the pool's dead connections, later ones a refused
                // connect or the pool's retry window.
                for round in 1...2 {
                    for (method, path, body, headers) in Self.crmRequests(customer: customer, ticket: id, round: round)
                    {
                        let response = try await promptly(api, "\(method) \(path)") {
                            try await api.send(method, path, rawBody: body, headers: headers)
                        }
                        #expect(response.status == 503, "\(method) \(path): \(response.status) \(response.body)")
                        #expect(response.isProblem, "\(method) \(path): \(response.body)")
                        #expect(response[header: "retry-after"] != nil, "\(method) \(path)")
                    }
                }
                try await expectNotReady(api)
                #expect(try await api.get("/health").status == 200)

                try await cluster.restart()
                try await expectRecovery(api, within: .seconds(5))
                let after = try await api.get("/v1/tickets/\(id)")
                #expect(after.status == 200)
                #expect(jsonEqual(after.object, ticket.object), "the ticket is as it was before the crash")
                let created = try await api.post(
                    "/v1/tickets", ["subject": "After", "channel": "chat", "customer_id": customer])
                #expect(created.status == 201, "\(created.body)")
                #expect(try await api.get("/v1/tickets").items.count == 2)
                #expect(try await api.get("/ready").status == 200)
            }
        }
    }

    @Test func aServerStartedWhileTheDatabaseIsDownMigratesWhenItComesUp() async throws {
        try await withFaultCluster { cluster, url in
            try await cluster.stop()
            try await withFaultServer(url) { api in
                for path in ["/v1/tickets", "/v1/customers", "/v1/agents"] {
                    let response = try await promptly(api, path) { try await api.get(path) }
                    #expect(response.status == 503, "\(path): \(response.body)")
                    #expect(response.isProblem, "\(response.body)")
                    #expect(response[header: "retry-after"] != nil)
                }
                let post = try await promptly(api, "POST /v1/customers") {
                    try await api.post("/v1/customers", ["name": "Early", "email": "early@example.com"])
                }
                #expect(post.status == 503, "\(post.body)")
                try await expectNotReady(api)
                #expect(try await api.get("/health").status == 200)

                try await cluster.restart()
                // The storage service retries with backoff (at most 5 s apart), then opens the routes.
                try await expectRecovery(api, within: .seconds(10))
                let customer = try await api.post("/v1/customers", ["name": "Late", "email": "late@example.com"])
                #expect(customer.status == 201, "\(customer.body)")
                #expect(try await api.get("/ready").status == 200)
            }
        }
    }

    @Test func aFrozenDatabaseAnswers503InBoundedTime() async throws {
        try await withFaultCluster { cluster, url in
            try await withFaultServer(url) { api in
                let customer = try await CRMFixtures.customer(api)
                let id = try await CRMFixtures.ticketID(api, customer: customer)

                try cluster.freeze()
                // The PostgreSQL connector gives each statement 5 s and each connect 2 s; all at once,
                // so the test waits for the slowest only.
                async let list = timed { try await api.get("/v1/tickets") }
                async let one = timed { try await api.get("/v1/tickets/\(id)") }
                async let create = timed {
                    try await api.post(
                        "/v1/tickets", ["subject": "Frozen", "channel": "chat", "customer_id": customer])
                }
                async let health = timed { try await api.get("/health") }
                let results = try await [("list", list), ("get", one), ("create", create)]
                for (name, (response, elapsed)) in results {
                    #expect(response.status == 503, "\(name): \(response.status) \(response.body)")
                    #expect(response.isProblem, "\(name): \(response.body)")
                    #expect(response[header: "retry-after"] != nil, "\(name)")
                    #expect(elapsed < .seconds(8), "\(name) took \(elapsed)")
                }
                let (healthResponse, healthTime) = try await health
                #expect(healthResponse.status == 200)
                #expect(healthTime < .milliseconds(1500), "/health does not wait for the database")

                try cluster.thaw()
                try await expectRecovery(api, within: .seconds(8))
                #expect(try await api.get("/v1/tickets/\(id)").status == 200)
            }
        }
    }

    /// A CRM request: method, path, JSON body, extra headers.
    typealias CRMRequest = (method: String, path: String, body: [UInt8]?, headers: [(String, String)])

    /// CRM reads and writes (one with an `Idempotency-Key`, whose store is the database too).
    static func crmRequests(customer: String, ticket: String, round: Int) -> [CRMRequest] {
        func json(_ object: [String: String]) -> [UInt8] {
            Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
        }
        return [
            ("GET", "/v1/tickets", nil, []),
            ("GET", "/v1/tickets/\(ticket)", nil, []),
            ("POST", "/v1/tickets", json(["subject": "Down", "channel": "chat", "customer_id": customer]), []),
            (
                "POST", "/v1/customers", json(["name": "Down", "email": "down\(round)@example.com"]),
                [("Idempotency-Key", "fault-\(round)")]
            ),
            ("PATCH", "/v1/tickets/\(ticket)", json(["status": "pending"]), [("If-Match", "\"1\"")]),
        ]
    }
}

/// A new private cluster with an empty `crm` database, removed afterwards (thawed first, should
/// `body` leave it frozen).
private func withFaultCluster(_ body: (PostgresTestCluster, String) async throws -> Void) async throws {
    let cluster = try await PostgresTestCluster.launch()
    do {
        let admin = SQLDatabase(connector: PostgresConnector(url: cluster.url))
        try await admin.read { try $0.execute("CREATE DATABASE crm") }
        // Test clusters turn synchronous_commit off for speed, and an immediate stop then loses the
        // last commits (up to 3 x wal_writer_delay). Production keeps it on: so does this database.
        try await admin.read { try $0.execute("ALTER DATABASE crm SET synchronous_commit = on") }
        try await admin.shutdown()
        let url = cluster.url.replacingOccurrences(of: "/postgres", with: "/crm")
        try await body(cluster, url)
    } catch {
        await cluster.remove()
        throw error
    }
    await cluster.remove()
}

/// An in-process server whose `DATABASE_URL` is `url`, and a client for it.
private func withFaultServer(_ url: String, _ body: @Sendable (APIClient) async throws -> Void) async throws {
    try await withSwitchboardServer(configure: { configuration in
        configuration.databaseURL = url
        configuration.rateLimitPerMinute = 0
    }) { running in
        try await body(APIClient(port: running.port))
    }
}

/// The answer of `body` and how long it took.
private func timed<T>(_ body: () async throws -> T) async throws -> (T, Duration) {
    let start = ContinuousClock.now
    let result = try await body()
    return (result, ContinuousClock.now - start)
}

/// The answer of `request`, which must come within 1.5 s: more precisely, within 1.5 s more than
/// `/health` (which never waits for the database) takes at the same moment, so that a machine
/// loaded by the rest of the suite does not count against the server.
private func promptly(
    _ api: APIClient, _ what: String, _ request: @escaping @Sendable () async throws -> APIResponse
) async throws -> APIResponse {
    async let measured = timed { try await request() }
    async let baseline = timed { try await api.get("/health") }
    let (response, elapsed) = try await measured
    let (_, open) = try await baseline
    #expect(elapsed < .milliseconds(1500) + open, "\(what) took \(elapsed) (/health: \(open))")
    return response
}

/// `/ready` is a 503 problem that names the database check, and comes promptly.
private func expectNotReady(_ api: APIClient) async throws {
    let ready = try await promptly(api, "/ready") { try await api.get("/ready") }
    #expect(ready.status == 503, "\(ready.body)")
    #expect(ready[header: "content-type"] == "application/problem+json")
    #expect(ready.detail.contains("database"), "\(ready.body)")
    let checks = ready.object["checks"] as? [String: Any]
    let database = checks?["database"] as? [String: Any]
    #expect(database?["ready"] as? Bool == false, "\(ready.body)")
    #expect((database?["detail"] as? String)?.contains("postgresql") == true, "\(ready.body)")
}

/// Polls `GET /v1/tickets` until it answers 200; only 503s are allowed meanwhile.
private func expectRecovery(_ api: APIClient, within timeout: Duration) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        let response = try await api.get("/v1/tickets")
        if response.status == 200 { return }
        try #require(response.status == 503, "while recovering: \(response.status) \(response.body)")
        try #require(ContinuousClock.now < deadline, "the server did not recover within \(timeout)")
        try await Task.sleep(for: .milliseconds(50))
    }
}
