import Core
import Foundation
import REST
import SwitchboardTestSupport
import Testing

/// `GET /openapi.json` and `GET /docs` on a real server: open, well-formed, and saying what the
/// API's conventions are (security, roles, preconditions, aliases, closed bodies).
@Suite(.timeLimit(.minutes(1)))
struct OpenAPIDocumentTests {
    @Test func servedOpenAsOpenAPI31() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let response = try await api.with(key: nil).get("/openapi.json")
            #expect(response.status == 200)
            #expect(response.mediaType == "application/json")
            let document = try #require(response.json, "not JSON: \(response.body.prefix(200))")
            #expect(document["openapi"] == "3.1.0")
            #expect(document["info"]?["title"] == "Switchboard")
            #expect(document["info"]?["version"]?.string == SwitchboardVersion.current)
            let description = document["info"]?["description"]?.string ?? ""
            #expect(description.contains("/v1/echo") && description.contains("/v1/media"), "WebSockets are described")

            let scheme = document["components"]?["securitySchemes"]?["apiKey"]
            #expect(scheme?["type"] == "apiKey")
            #expect(scheme?["in"] == "header")
            #expect(scheme?["name"] == "X-API-Key")
            #expect(document["security"] == [["apiKey": []]])

            // Static: the same bytes every time, with or without a key.
            #expect(try await api.get("/openapi.json").body == response.body)
        }
    }

    @Test func securityAndRolesMatchTheKeyMiddleware() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let document = try await ServedDocument.fetch(api)
            let open = Set(document.operations.filter(\.isOpen).map(\.path))
            #expect(open == APIKeyMiddleware.defaultOpenPaths)
            let admin = Set(document.operations.filter { $0.requiredRole == "admin" }.map(\.description))
            #expect(admin == ["POST /v1/agents", "PATCH /v1/agents/{id}", "GET /v1/audit"])
            for operation in document.operations where !operation.isOpen {
                #expect(["agent", "admin"].contains(operation.requiredRole), "\(operation) has x-required-role")
                #expect(operation.statuses.isSuperset(of: [401, 429, 503]), "\(operation)")
                #expect(operation.statuses.contains(403) == (operation.requiredRole == "admin"), "\(operation)")
                #expect(operation.response(401)?["headers"]?["WWW-Authenticate"] != nil, "\(operation)")
                #expect(operation.response(429)?["headers"]?["Retry-After"] != nil, "\(operation)")
            }
        }
    }

    @Test func operationsAreWellFormed() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let document = try await ServedDocument.fetch(api)
            let operations = document.operations
            #expect(Set(operations.map(\.id)).count == operations.count, "operationIds are unique")
            for (at, target) in document.references() {
                #expect(document.exists(target), "\(at) refers to \(target), which is not in the document")
            }
            for operation in operations {
                let templateNames = operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                    String($0.dropFirst().dropLast())
                }
                let pathNames = operation.parameters.filter { $0["in"] == "path" }.compactMap { $0["name"]?.string }
                #expect(pathNames.sorted() == templateNames.sorted(), "\(operation): path parameters")
                for parameter in operation.parameters where parameter["in"] == "path" {
                    #expect(parameter["required"] == true, "\(operation): path parameters are required")
                }
                #expect(operation.successStatus != nil, "\(operation) documents a success")
                for status in operation.statuses where status >= 400 && operation.path.hasPrefix("/v1/") {
                    let content = operation.response(status)?["content"]?["application/problem+json"]?["schema"]
                    #expect(content?["$ref"] == "#/components/schemas/Problem", "\(operation) \(status) is a problem")
                }
                if operation.method == "POST" {
                    #expect(operation.parameter("Idempotency-Key", in: "header") != nil, "\(operation)")
                }
                if let body = operation.requestBody {
                    #expect(document.resolve(body)["additionalProperties"] == false, "\(operation): closed body")
                    #expect(operation.statuses.isSuperset(of: [400, 413, 415]), "\(operation)")
                }
                if operation.path.contains("{id}") {
                    #expect(operation.statuses.contains(404), "\(operation)")
                }
            }
        }
    }

    @Test func ticketConventionsAreDescribed() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let document = try await ServedDocument.fetch(api)
            let list = try #require(document.operation("listTickets"))
            for (name, alias) in [("from_date", "fromDate"), ("to_date", "toDate")] {
                #expect(list.parameter(name, in: "query")?["schema"]?["format"] == "date", "\(name)")
                let aliasParameter = list.parameter(alias, in: "query")
                #expect(aliasParameter?["schema"]?["format"] == "date", "\(alias)")
                #expect(aliasParameter?["x-alias-of"]?.string == name, "\(alias)")
            }
            let status = list.parameter("status", in: "query")
            #expect(status?["schema"]?["items"]?["enum"] == ["open", "pending", "solved", "closed"])
            #expect(status?["explode"] == false)

            let update = try #require(document.operation("updateTicket"))
            #expect(update.parameter("If-Match", in: "header")?["required"] == true)
            #expect(update.statuses.isSuperset(of: [200, 400, 404, 409, 412, 422, 428]))
            let get = try #require(document.operation("getTicket"))
            #expect(get.parameter("If-None-Match", in: "header") != nil)
            #expect(get.statuses.contains(304))
            #expect(get.response(200)?["headers"]?["ETag"] != nil)
            let create = try #require(document.operation("createTicket"))
            #expect(create.response(201)?["headers"]?["Location"] != nil)

            let ticket = document.resolve(["$ref": "#/components/schemas/Ticket"])
            #expect(ticket["properties"]?["assignee_id"]?["type"] == ["string", "null"])
            let ticketCreate = document.resolve(try #require(create.requestBody))
            #expect(ticketCreate["properties"]?["subject"]?["maxLength"] == 200)
            #expect(ticketCreate["properties"]?["tags"]?["maxItems"] == 20)
            #expect(ticketCreate["properties"]?["tags"]?["items"]?["maxLength"] == 32)
            #expect(Set(ticketCreate["required"]?.strings ?? []) == ["subject", "channel", "customer_id"])
            for name in ["Ticket", "Message", "Customer", "Agent", "Call", "AuditEntry", "Problem", "SupportRequest"] {
                #expect(document.root["components"]?["schemas"]?[name] != nil, "components/schemas/\(name)")
            }
            for page in ["TicketPage", "MessagePage", "CustomerPage", "AgentPage", "CallPage", "AuditPage"] {
                let schema = document.resolve(["$ref": .string("#/components/schemas/\(page)")])
                #expect(Set(schema["required"]?.strings ?? []) == ["data", "next"], "\(page)")
            }
        }
    }

    @Test func sessionConventionsAreDescribed() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let document = try await ServedDocument.fetch(api)
            let sessions = document.operations.filter { $0.path.hasPrefix("/v1/sessions") }
            #expect(
                Set(sessions.map(\.id)) == [
                    "createSession", "listSessions", "getSession", "heartbeatSession", "updateSession", "endSession",
                ])
            for operation in sessions {
                #expect(operation.object["tags"] == ["Sessions"], "\(operation)")
                #expect(operation.requiredRole == "agent", "\(operation): any key may")
                let unavailable = operation.response(503)
                #expect(unavailable?["headers"]?["Retry-After"] != nil, "\(operation)")
                #expect(unavailable?["description"]?.string?.contains("session store") == true, "\(operation)")
            }

            let create = try #require(document.operation("createSession"))
            #expect(create.statuses.isSuperset(of: [201, 400, 409, 413, 415, 422]))
            #expect(
                create.response(201)?["content"]?["application/json"]?["schema"]?["$ref"]
                    == "#/components/schemas/NewSession")
            #expect(create.response(201)?["headers"]?["Location"] != nil)
            let sessionCreate = document.resolve(try #require(create.requestBody))
            #expect(Set(sessionCreate["required"]?.strings ?? []) == ["agent_id", "client"])
            #expect(sessionCreate["properties"]?["client"]?["maxLength"] == 32)
            #expect(sessionCreate["properties"]?["presence"]?["default"] == "available")

            let heartbeat = try #require(document.operation("heartbeatSession"))
            #expect(heartbeat.successStatus == 204)
            #expect(heartbeat.response(204)?["content"] == nil, "a heartbeat answers no body")
            #expect(heartbeat.requestBody == nil)
            for id in ["heartbeatSession", "updateSession"] {
                let operation = try #require(document.operation(id))
                #expect(operation.statuses.isSuperset(of: [404, 410]), "\(operation): 410 once the session is over")
            }
            let update = try #require(document.operation("updateSession"))
            let sessionUpdate = document.resolve(try #require(update.requestBody))
            #expect(sessionUpdate["required"] == ["presence"])
            #expect(sessionUpdate["properties"]?["presence"]?["enum"] == ["available", "busy", "away", "offline"])
            #expect(try #require(document.operation("endSession")).statuses.contains(410) == false)

            let list = try #require(document.operation("listSessions"))
            #expect(list.parameter("cursor", in: "query") == nil, "the list has no further pages")
            #expect(list.parameter("limit", in: "query")?["schema"]?["maximum"] == 200)
            #expect(list.parameter("agent_id", in: "query")?["x-alias-of"] == "agent")
            #expect(list.parameter("state", in: "query")?["schema"]?["enum"] == ["active", "expired", "ended"])

            let session = document.resolve(["$ref": "#/components/schemas/Session"])
            let newSession = document.resolve(["$ref": "#/components/schemas/NewSession"])
            let page = document.resolve(["$ref": "#/components/schemas/SessionPage"])
            #expect(Set(page["required"]?.strings ?? []) == ["data", "next"])
            #expect(session["properties"]?["token"] == nil, "only the creation answer has the token")
            #expect(newSession["required"]?.strings.contains("token") == true)
            #expect(session["properties"]?["ended_at"]?["type"] == ["string", "null"])
            #expect(session["properties"]?["end_reason"]?["enum"] == ["expired", "ended", nil])
            let agent = document.resolve(["$ref": "#/components/schemas/Agent"])
            #expect(agent["properties"]?["presence"]?["type"] == ["string", "null"])
            #expect(agent["properties"]?["presence"]?["enum"] == ["available", "busy", "away", "offline", nil])
            #expect(agent["required"]?.strings.contains("presence") == true)

            // Answers are open objects to the checker, so compare their keys with the documented ones.
            let agentID = try await OperationSamples.create(api, "/v1/agents", OperationSamples.agentBody())
            let opened = try await api.send("POST", "/v1/sessions", json: ["agent_id": agentID, "client": "console"])
            let sessionID = try #require(opened.json?["id"]?.string)
            let read = try await api.get("/v1/sessions/\(sessionID)")
            let readAgent = try await api.get("/v1/agents/\(agentID)")
            for (answer, schema, name) in [
                (opened, newSession, "NewSession"), (read, session, "Session"), (readAgent, agent, "Agent"),
            ] {
                let keys = Set(answer.json?.object?.keys.map { $0 } ?? [])
                let documented = Set(schema["properties"]?.object?.keys.map { $0 } ?? [])
                #expect(
                    keys == documented,
                    "\(name): undocumented \(keys.subtracting(documented)), missing \(documented.subtracting(keys))")
            }
        }
    }

    @Test func docsPageShowsEveryOperation() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let document = try await ServedDocument.fetch(api)
            let response = try await api.with(key: nil).get("/docs")
            #expect(response.status == 200)
            #expect(response.mediaType == "text/html")
            #expect(response[header: "content-security-policy"]?.contains("default-src 'none'") == true)
            let html = response.body
            #expect(html.hasPrefix("<!doctype html>"))
            for operation in document.operations {
                #expect(html.contains("<code>\(operation.path)</code>"), "\(operation.path) is on the page")
                #expect(html.contains("id=\"op-\(operation.id)\""), "\(operation) has a section")
                #expect(html.contains(">\(operation.method)</span>"), "\(operation) shows its method")
            }
            for name in document.root["components"]?["schemas"]?.object?.keys.sorted() ?? [] {
                #expect(html.contains("id=\"schema-\(name)\""), "schema \(name) is on the page")
            }
            for field in ["customer_id", "assignee_id", "If-Match", "Idempotency-Key", "fromDate"] {
                #expect(html.contains("<code>\(field)</code>"), "\(field) is on the page")
            }
            // Self-contained and escaped: no scripts, no outside resources, no raw markup from the text.
            #expect(!html.contains("<script"))
            #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
            #expect(html.contains("&lt;next&gt;; rel=&quot;next&quot;"), "the Link header's description is escaped")
            #expect(!html.contains("<next>"))
        }
    }
}
