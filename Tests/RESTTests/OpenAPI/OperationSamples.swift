import Core
import Foundation
import REST
import SwitchboardTestSupport
import Testing

/// A valid request for every documented operation, against rows made through the API (and one call
/// row with a recording, from events on the bus). Operations that change or archive a row get a
/// fresh one, and every session operation a fresh session, so the order the suite calls them in
/// does not matter. An operation without a sample here fails the suite: a new route must come with
/// a way to call it.
struct OperationSamples: Sendable {
    struct Request: Sendable {
        var path: String
        var body: JSON?
        var headers: [(String, String)] = []
    }

    let api: APIClient
    let customer: String
    let agent: String
    let ticket: String
    let message: String
    let call: String

    static func make(_ running: RunningServer, _ api: APIClient) async throws -> OperationSamples {
        let customer = try await Self.create(api, "/v1/customers", Self.customerBody())
        let agent = try await Self.create(api, "/v1/agents", Self.agentBody())
        let ticket = try await Self.create(
            api, "/v1/tickets",
            ["subject": "Printer on fire", "channel": "email", "customer_id": .string(customer), "tags": ["vip"]])
        let message = try await Self.create(
            api, "/v1/tickets/\(ticket)/messages", ["author_type": "customer", "body": "It is still burning."])
        let call = try await Self.recordedCall(running, api, ticket: ticket)
        return OperationSamples(
            api: api, customer: customer, agent: agent, ticket: ticket, message: message, call: call)
    }

    /// The key a valid call of `operation` carries: none on open routes, the weakest that is enough.
    static func key(for operation: ServedDocument.Operation) -> String? {
        if operation.isOpen { return nil }
        return operation.requiredRole == "admin" ? TestAPIKeys.admin : TestAPIKeys.agent
    }

    func request(for operation: ServedDocument.Operation) async throws -> Request {
        switch operation.id {
        case "getHealth", "getReadiness", "getMetrics", "getOpenAPIDocument", "getDocumentation":
            return Request(path: operation.path)
        case "listTickets":
            return Request(
                path: "/v1/tickets?status=open,pending&priority=normal&customer=\(self.customer)&tag=vip"
                    + "&from_date=2020-01-01&toDate=2100-12-31&sort=-priority&limit=5")
        case "createTicket":
            return Request(
                path: operation.path,
                body: [
                    "subject": "Fax jammed", "channel": "phone", "customer_id": .string(self.customer),
                    "priority": "high", "assignee_id": .string(self.agent), "tags": ["fax", "Hardware"],
                ])
        case "getTicket": return Request(path: "/v1/tickets/\(self.ticket)")
        case "updateTicket":
            return Request(
                path: "/v1/tickets/\(try await self.freshTicket())", body: ["status": "pending", "assignee_id": nil],
                headers: [("If-Match", "\"1\"")])
        case "archiveTicket":
            return Request(path: "/v1/tickets/\(try await self.freshTicket())", headers: [("If-Match", "\"1\"")])
        case "listTicketMessages": return Request(path: "/v1/tickets/\(self.ticket)/messages?sort=-created_at")
        case "createTicketMessage":
            return Request(
                path: "/v1/tickets/\(self.ticket)/messages",
                body: ["author_type": "agent", "author_id": .string(self.agent), "body": "On it.\nTry turning it off."])
        case "getMessage": return Request(path: "/v1/messages/\(self.message)")
        case "listCustomers": return Request(path: "/v1/customers?q=ann&limit=2")
        case "createCustomer": return Request(path: operation.path, body: Self.customerBody())
        case "getCustomer": return Request(path: "/v1/customers/\(self.customer)")
        case "updateCustomer":
            let id = try await Self.create(self.api, "/v1/customers", Self.customerBody())
            return Request(path: "/v1/customers/\(id)", body: ["phone": nil], headers: [("If-Match", "\"1\"")])
        case "listAgents": return Request(path: "/v1/agents?active=true&sort=created_at")
        case "createAgent": return Request(path: operation.path, body: Self.agentBody())
        case "getAgent": return Request(path: "/v1/agents/\(self.agent)")
        case "updateAgent":
            let id = try await Self.create(self.api, "/v1/agents", Self.agentBody())
            return Request(path: "/v1/agents/\(id)", body: ["active": false], headers: [("If-Match", "\"1\"")])
        case "submitSupportRequest":
            return Request(
                path: operation.path,
                body: [
                    "channel": "email", "name": "Bo Rhee", "email": .string(Self.uniqueEmail()), "phone": nil,
                    "subject": "Cannot log in", "message": "The page says my password expired.",
                ])
        case "createSession":
            return Request(
                path: operation.path,
                body: ["agent_id": .string(self.agent), "client": "softphone", "presence": "busy"])
        case "listSessions":
            _ = try await self.freshSession()
            return Request(path: "/v1/sessions?agent_id=\(self.agent)&state=active&limit=5")
        case "getSession": return Request(path: "/v1/sessions/\(try await self.freshSession())")
        case "heartbeatSession": return Request(path: "/v1/sessions/\(try await self.freshSession())/heartbeat")
        case "updateSession":
            return Request(path: "/v1/sessions/\(try await self.freshSession())", body: ["presence": "away"])
        case "endSession": return Request(path: "/v1/sessions/\(try await self.freshSession())")
        case "listCalls": return Request(path: "/v1/calls?status=ended&ticket_id=\(self.ticket)")
        case "getCall": return Request(path: "/v1/calls/\(self.call)")
        case "getCallRecording": return Request(path: "/v1/calls/\(self.call)/recording")
        case "listAudit": return Request(path: "/v1/audit?entity_type=ticket&limit=3")
        default:
            Issue.record("no sample request for \(operation) (\(operation.id)); add one to OperationSamples")
            throw SampleError.missing(operation.id)
        }
    }

    /// A new ticket of the sample customer, at version 1.
    func freshTicket() async throws -> String {
        try await Self.create(
            self.api, "/v1/tickets",
            ["subject": "Another one", "channel": "chat", "customer_id": .string(self.customer)])
    }

    /// A new active session of the sample agent. Each request gets its own: a session that has not
    /// heartbeated for `HEARTBEAT_TIMEOUT` expires, and one that is over answers 410.
    func freshSession() async throws -> String {
        try await Self.create(self.api, "/v1/sessions", ["agent_id": .string(self.agent), "client": "console"])
    }

    static func uniqueEmail() -> String {
        "c-\(UUID().uuidString.prefix(8).lowercased())@example.com"
    }

    static func uniquePhone() -> String {
        "+1 555 " + String((0..<7).map { _ in "0123456789".randomElement()! })
    }

    static func customerBody() -> JSON {
        ["name": "Ann Lee", "email": .string(Self.uniqueEmail()), "phone": .string(Self.uniquePhone())]
    }

    static func agentBody() -> JSON {
        ["name": "Agent Smith", "email": .string("a-" + Self.uniqueEmail())]
    }

    /// POSTs with the admin key and returns the new row's id.
    static func create(_ api: APIClient, _ path: String, _ body: JSON) async throws -> String {
        let response = try await api.with(key: TestAPIKeys.admin).send("POST", path, json: body.foundation)
        try #require(response.status == 201, "POST \(path): \(response.status) \(response.body)")
        return try #require(response.json?["id"]?.string)
    }

    /// A finished `monitor` call linked to `ticket`, with a small WAV in `RECORDINGS_DIR`. The event is
    /// published until its row appears, since the call log may not be listening yet.
    static func recordedCall(_ running: RunningServer, _ api: APIClient, ticket: String) async throws -> String {
        let directory = running.server.configuration.effectiveRecordingsDirectory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let callSid = "CA" + TwilioTestCall.hex(32)
        let streamSid = "MZ" + TwilioTestCall.hex(32)
        let path = directory + "/\(callSid)-\(streamSid).wav"
        try Data(Array("RIFF".utf8) + [UInt8](repeating: 0, count: 60)).write(to: URL(fileURLWithPath: path))
        let now = Timestamp.now().microseconds / 1000
        let summary = CallEvent.Summary(
            durationMilliseconds: 2000, reason: "stop", mediaReceived: 100, mediaSent: 0, dtmfDigits: "5",
            recordingPath: path)
        let event = CallEvent(
            kind: .ended, callSid: callSid, streamSid: streamSid, accountSid: "AC" + TwilioTestCall.hex(32),
            app: "monitor", ticketID: ticket, timestampMilliseconds: now, summary: summary)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            running.server.eventBus.publish(.call(event))
            try await Task.sleep(for: .milliseconds(50))
            let rows = try await api.get("/v1/calls?call_sid=\(callSid)")
            if let id = rows.json?["data"]?.array?.first?["id"]?.string { return id }
        }
        Issue.record("the call row never appeared")
        throw SampleError.noCallRow
    }

    enum SampleError: Error {
        case missing(String)
        case noCallRow
    }
}
