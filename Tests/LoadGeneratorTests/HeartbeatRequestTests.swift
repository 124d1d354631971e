import NIOCore
import Testing

@testable import LoadGenerator

/// The bytes sent, the ids read back, and the options refused before anything is sent.
@Suite struct HeartbeatRequestTests {
    private let requests = HeartbeatRequests(
        hostHeader: "127.0.0.1:8080", apiKey: "key-123", client: "console", runTag: "beef")

    private func text(_ write: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        write(&buffer)
        return String(buffer: buffer)
    }

    @Test func theThreeRequests() {
        #expect(
            self.text { self.requests.writeHeartbeat(sessionID: Array("ses_abc".utf8), into: &$0) }
                == "POST /v1/sessions/ses_abc/heartbeat HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-API-Key: key-123\r\n"
                + "Content-Length: 0\r\n\r\n")
        let agentBody = #"{"name":"Agent 1","email":"agent1.hbbeef@example.com"}"#
        #expect(
            self.text { self.requests.writeCreateAgent(index: 0, into: &$0) }
                == "POST /v1/agents HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-API-Key: key-123\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(agentBody.utf8.count)\r\n\r\n" + agentBody)
        let sessionBody = #"{"agent_id":"agt_9","client":"console"}"#
        #expect(
            self.text { self.requests.writeCreateSession(agentID: Array("agt_9".utf8), into: &$0) }
                .hasSuffix("Content-Length: \(sessionBody.utf8.count)\r\n\r\n" + sessionBody))
    }

    @Test func createdIDsAreRead() throws {
        let body = #"""
            {"active_seconds":0,"agent_id":"agt_1","heartbeat_interval":5,"heartbeat_timeout":10.5,
             "id":"ses_01HX-a_b","nested":{"id":"ses_not_this"},"state":"active","token":"t"}
            """#
        let created = try CreatedResource.parse(Array(body.utf8), prefix: "ses_").get()
        #expect(created.id == Array("ses_01HX-a_b".utf8))
        #expect(created.heartbeatInterval == 5)
        #expect(created.heartbeatTimeout == 10.5)
    }

    @Test(arguments: [
        (#"{"id":"agt_1"}"#, "unexpected id \"agt_1\""),
        (#"{"id":"ses_../x"}"#, "unexpected id \"ses_../x\""),
        (#"{"id":5}"#, "the 201 body has no string \"id\""),
        (#"{"name":"x"}"#, "the 201 body has no string \"id\""),
        (#"[1]"#, nil),
        (#"{"id":"ses_1""#, nil),
        ("", nil),
    ])
    func badBodiesAreSetupErrors(_ body: String, _ reason: String?) {
        switch CreatedResource.parse(Array(body.utf8), prefix: "ses_") {
        case .success(let created): Issue.record("accepted \(created)")
        case .failure(let error):
            if let reason {
                #expect(error.reason == reason)
            } else {
                #expect(error.reason.hasPrefix("the 201 body is not"))
            }
        }
    }

    @Test func responsesAreDescribedOnOneLine() {
        let response = HTTPResponseParser.Response(
            status: 409, closesConnection: false, body: Array("{\"title\":\n\"Conflict\"}".utf8))
        #expect(HeartbeatDriver.describe(response) == "HTTP 409: {\"title\": \"Conflict\"}")
        #expect(HeartbeatDriver.describe(.init(status: 500, closesConnection: true, body: [])) == "HTTP 500")
    }

    @Test func defaultsAreTheBenchmarksOnceAKeyIsGiven() throws {
        var configuration = HeartbeatConfiguration()
        #expect(throws: LoadGeneratorError.self) { try configuration.validate() }
        configuration.apiKey = "bench-admin-key"
        try configuration.validate()
        #expect(configuration.sessions == 100_000)
        #expect(configuration.connections == 128)
        #expect(configuration.heartbeatsPerSecond == 20_000)
    }

    @Test func limitsAndTheLoopbackPolicyAreEnforced() {
        let broken: [(inout HeartbeatConfiguration) -> Void] = [
            { $0.host = "10.0.0.1" }, { $0.host = "example.com" }, { $0.port = 0 }, { $0.apiKey = "has space" },
            { $0.apiKey = "line\r\nbreak" }, { $0.sessions = 0 }, { $0.agents = 0 },
            {
                $0.agents = 200; $0.sessions = 100
            }, { $0.intervalSeconds = 0 }, { $0.durationSeconds = 0 },
            { $0.connections = 0 }, { $0.threads = 0 },
            {
                $0.threads = 4; $0.connections = 2
            },
            { $0.serverPID = 0 }, { $0.client = "Console" }, { $0.client = "" }, { $0.setupConcurrency = 0 },
            { $0.requestTimeoutSeconds = 0 },
        ]
        for (index, breakIt) in broken.enumerated() {
            var configuration = HeartbeatConfiguration()
            configuration.apiKey = "key"
            breakIt(&configuration)
            #expect(throws: LoadGeneratorError.self, "case \(index)") { try configuration.validate() }
        }
    }

    @Test func aNameThatResolvesOffLoopbackIsRefused() throws {
        let target = try HeartbeatTarget.resolve(host: "127.0.0.1", port: 8080)
        #expect(target.hostHeader == "127.0.0.1:8080")
        let six = try HeartbeatTarget.resolve(host: "[::1]", port: 9)
        #expect(six.hostHeader == "[::1]:9")
        #expect(throws: LoadGeneratorError.self) { try HeartbeatTarget.resolve(host: "0.0.0.0", port: 9) }
    }
}
