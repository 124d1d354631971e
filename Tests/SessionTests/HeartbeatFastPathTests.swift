import Core
import Foundation
import SwitchboardTestSupport
import Testing

/// Heartbeats of known sessions are answered from the bytes read, before NIO's decoder and the
/// router; these tests hold the two ways to the same answer, keep responses in request order on a
/// pipelined connection, and leave anything odd on a connection to the decoder.
@Suite("Heartbeat fast path")
struct HeartbeatFastPathTests {
    @Test("The fast answer is the routed answer, and both keep the session alive", arguments: SessionBackend.allCases)
    func sameAnswer(backend: SessionBackend) async throws {
        try await Self.withOpenSession(backend) { running, api, id in
            let before = try #require(try await api.get("/v1/sessions/\(id)").string("last_heartbeat_at"))
            try await Task.sleep(for: .milliseconds(20))
            let fastBefore = try await Self.fastHeartbeats(api)
            try await Self.withConnection(to: running) { client in
                // A connection's first request always goes through NIO's upgrade negotiation.
                let first = try client.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key)
                #expect(first.status == 204)
                #expect(try await Self.fastHeartbeats(api) == fastBefore)
                // No query: the fast path answers. A query sends the same request through the router.
                let fast = try client.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key)
                #expect(try await Self.fastHeartbeats(api) == fastBefore + 1)
                let routed = try client.request("POST", "/v1/sessions/\(id)/heartbeat?via=router", headers: Self.key)
                #expect(try await Self.fastHeartbeats(api) == fastBefore + 1)
                #expect(fast.status == 204)
                #expect(routed.status == 204)
                #expect(Set(fast.headers.keys) == Set(routed.headers.keys))
                for name in ["vary", "server", "ratelimit-policy"] {
                    #expect(fast[header: name] == routed[header: name], "\(name)")
                }
                #expect(fast.body.isEmpty)
                let date = try #require(fast[header: "date"])
                let parsed = Self.imfFixdate.date(from: date)
                #expect(parsed.map { abs($0.timeIntervalSinceNow) < 5 } == true, "Date: \(date)")
            }
            // Redis gets the beat with the next coalesced batch, so reading it back may wait a window.
            try await waitUntil("the heartbeat is stored") {
                (try await api.get("/v1/sessions/\(id)").string("last_heartbeat_at") ?? "") > before
            }
        }
    }

    @Test("Pipelined requests are answered in order, fast and routed alike", arguments: SessionBackend.allCases)
    func pipelinedOrder(backend: SessionBackend) async throws {
        try await Self.withOpenSession(backend) { running, api, id in
            try await Self.withConnection(to: running) { client in
                let port = running.port
                // The slow GET first: a fast answer to the heartbeat behind it must not overtake it.
                let requests: [(String, String, [(String, String)])] = [
                    ("GET", "/v1/sessions/\(id)", Self.key),
                    ("POST", "/v1/sessions/\(id)/heartbeat", Self.key),
                    ("POST", "/v1/sessions/ses_01JF0000000000000000000000/heartbeat", Self.key),
                    ("POST", "/v1/sessions/\(id)/heartbeat", []),
                    ("POST", "/v1/sessions/\(id)/heartbeat", [("X-API-Key", "not-a-key")]),
                    ("POST", "/v1/sessions/\(id)/heartbeat", Self.key),
                ]
                try client.sendRaw(
                    requests.flatMap { RawHTTPClient.encodeRequest($0.0, $0.1, headers: $0.2, port: port) })
                let statuses = try requests.map { _ in try client.readResponse().status }
                #expect(statuses == [200, 204, 404, 401, 401, 204])
            }
        }
    }

    @Test("A heartbeat the fast path gives up on is charged to the rate limit once")
    func declinedIsChargedOnce() async throws {
        // 5 a minute: a token comes back every 12 s, far apart from these few requests.
        try await Self.withOpenSession(.memory, configure: { $0.rateLimitPerMinute = 5 }) { _, api, id in
            let read = try await api.get("/v1/sessions/\(id)")
            let unknown = try await api.send("POST", "/v1/sessions/ses_01JF0000000000000000000000/heartbeat")
            let known = try await api.send("POST", "/v1/sessions/\(id)/heartbeat")
            #expect(unknown.status == 404)
            #expect(known.status == 204)
            let remaining = try [read, unknown, known].map { response in
                let field = try #require(response.raw[header: "ratelimit"])
                return try #require(field.split(separator: "r=").last?.split(separator: ";").first.flatMap { Int($0) })
            }
            #expect(remaining == [remaining[0], remaining[0] - 1, remaining[0] - 2])
        }
    }

    @Test("An ended session's heartbeat and one with a body take the routed way", arguments: SessionBackend.allCases)
    func declined(backend: SessionBackend) async throws {
        try await Self.withOpenSession(backend) { running, api, id in
            try await Self.withConnection(to: running) { client in
                let withBody = try client.request(
                    "POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key + [("Content-Type", "application/json")],
                    body: Array("{}".utf8))
                #expect(withBody.status == 204)
                // The connection is still in step after a declined candidate.
                #expect(try client.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key).status == 204)
            }
            #expect(try await api.delete("/v1/sessions/\(id)").status == 200)
            let gone = try await api.send("POST", "/v1/sessions/\(id)/heartbeat")
            #expect(gone.status == 410)
            #expect(gone.raw[header: "content-type"]?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test("A connection that only heartbeats is busy, not idle; an idle one closes at the idle timeout")
    func idleTimeoutSeesFastAnswers() async throws {
        try await Self.withOpenSession(.memory, configure: { $0.httpIdleTimeout = .seconds(1) }) { running, api, id in
            let fastBefore = try await Self.fastHeartbeats(api)
            try await withBlockingIO {
                let beating = try RawHTTPClient(port: running.port)
                let idle = try RawHTTPClient(port: running.port)
                defer {
                    beating.close()
                    idle.close()
                }
                #expect(try idle.request("GET", "/health").status == 200)
                #expect(try beating.request("GET", "/health").status == 200)
                // 2.5 s of beats 250 ms apart: more than twice the timeout, never that long silent.
                for _ in 0..<10 {
                    #expect(
                        try beating.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key).status == 204)
                    try await Task.sleep(for: .milliseconds(250))
                }
                #expect(idle.waitForClose(timeout: .seconds(1)), "the idle connection outlived its timeout")
                #expect(try beating.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key).status == 204)
            }
            #expect(try await Self.fastHeartbeats(api) == fastBefore + 11)
        }
    }

    @Test("A heartbeat arriving a few bytes at a time is still answered fast")
    func splitAcrossReads() async throws {
        try await Self.withOpenSession(.memory) { running, api, id in
            let fastBefore = try await Self.fastHeartbeats(api)
            try await Self.withWarmConnection(to: running) { client in
                let request = RawHTTPClient.encodeRequest(
                    "POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key, port: running.port)
                for start in stride(from: 0, to: request.count, by: 7) {
                    try client.sendRaw(Array(request[start..<min(start + 7, request.count)]))
                    try await Task.sleep(for: .milliseconds(2))
                }
                #expect(try client.readResponse().status == 204)
            }
            #expect(try await Self.fastHeartbeats(api) == fastBefore + 1)
        }
    }

    @Test("After a chunked request the connection is the decoder's: still served, in order, all routed")
    func chunkedLeavesConnectionToDecoder() async throws {
        try await Self.withOpenSession(.memory) { running, api, id in
            let fastBefore = try await Self.fastHeartbeats(api)
            try await Self.withWarmConnection(to: running) { client in
                #expect(try client.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key).status == 204)
                #expect(try await Self.fastHeartbeats(api) == fastBefore + 1)
                let chunked = RawHTTPClient.encodeRequest(
                    "POST", "/v1/sessions/\(id)/heartbeat",
                    headers: Self.key + [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
                    port: running.port)
                // The chunked request and a heartbeat behind it in one write: the framer stops at
                // the first and leaves both, and everything after, to the decoder.
                let heartbeat = RawHTTPClient.encodeRequest(
                    "POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key, port: running.port)
                try client.sendRaw(chunked + Array("2\r\n{}\r\n0\r\n\r\n".utf8) + heartbeat)
                #expect(try client.readResponse().status == 204)
                #expect(try client.readResponse().status == 204)
                #expect(try client.request("POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key).status == 204)
            }
            #expect(try await Self.fastHeartbeats(api) == fastBefore + 1)
        }
    }

    @Test("A heartbeat with Connection: close takes the routed way, and its connection closes")
    func connectionCloseIsRouted() async throws {
        try await Self.withOpenSession(.memory) { running, api, id in
            let fastBefore = try await Self.fastHeartbeats(api)
            try await Self.withWarmConnection(to: running) { client in
                let closing = try client.request(
                    "POST", "/v1/sessions/\(id)/heartbeat", headers: Self.key + [("Connection", "close")])
                #expect(closing.status == 204)
                #expect(client.waitForClose())
            }
            #expect(try await Self.fastHeartbeats(api) == fastBefore)
        }
    }

    @Test("An HTTP/1.0 heartbeat takes the routed way, and its connection closes after the answer")
    func http10IsRouted() async throws {
        try await Self.withOpenSession(.memory) { running, api, id in
            let fastBefore = try await Self.fastHeartbeats(api)
            try await withBlockingIO {
                let client = try RawHTTPClient(port: running.port)
                defer { client.close() }
                let request = "POST /v1/sessions/\(id)/heartbeat HTTP/1.0\r\nX-API-Key: \(TestAPIKeys.admin)\r\n\r\n"
                try client.sendRaw(Array(request.utf8))
                #expect(try client.readResponse().status == 204)
                #expect(client.waitForClose())
            }
            #expect(try await Self.fastHeartbeats(api) == fastBefore)
        }
    }

    private static let key = [("X-API-Key", TestAPIKeys.admin)]

    /// How many heartbeats the fast path has answered, from the server's `/metrics`.
    private static func fastHeartbeats(_ api: APIClient) async throws -> Int {
        let text = try await api.get("/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix("switchboard_session_heartbeats_fast_total ") }
        return try #require(line?.split(separator: " ").last.flatMap { Double($0) }.map { Int($0) })
    }

    /// A server on `backend` with one open session, whose id `body` gets.
    private static func withOpenSession(
        _ backend: SessionBackend,
        configure: @escaping @Sendable (inout SwitchboardConfiguration) -> Void = { _ in },
        _ body: @Sendable (RunningServer, APIClient, String) async throws -> Void
    ) async throws {
        try await withSessionServer(backend, configure: configure) { running, api, _ in
            let agent = try await api.makeAgent()
            let id = try #require(try await api.openSession(agent: agent).string("id"))
            try await body(running, api, id)
        }
    }

    /// One keep-alive connection to `running`, used off the cooperative pool.
    private static func withConnection(
        to running: RunningServer, _ body: (RawHTTPClient) async throws -> Void
    ) async throws {
        try await withBlockingIO {
            let client = try RawHTTPClient(port: running.port)
            defer { client.close() }
            try await body(client)
        }
    }

    /// A connection whose first request, which always takes the ordinary way, is behind it: the
    /// next heartbeat on it may be answered fast.
    private static func withWarmConnection(
        to running: RunningServer, _ body: (RawHTTPClient) async throws -> Void
    ) async throws {
        try await Self.withConnection(to: running) { client in
            #expect(try client.request("GET", "/health").status == 200)
            try await body(client)
        }
    }

    private static let imfFixdate: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }()
}
