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
