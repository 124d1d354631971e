import Core
import Foundation
import Hummingbird
import SwitchboardTestSupport
import Testing

@testable import REST

/// The document against the server: every registered route is documented and every documented
/// operation exists; a valid call answers the documented success with a body of the documented
/// schema and the documented headers; the documented refusals are the real ones.
@Suite(.timeLimit(.minutes(2)))
struct OpenAPICoverageTests {
    /// The routes as `SwitchboardServer.makeServices` registers them (the catalog it builds is local
    /// to that method, so this builds the same table from the same route groups), against the
    /// document; and Hummingbird's own route list, so no route bypassed the catalog.
    @Test func everyRegisteredRouteIsDocumentedAndNoOther() async throws {
        try await withDocumentedServer(.sqlite) { running, api in
            let router = Router(context: SwitchboardRequestContext.self)
            let catalog = RouteCatalog()
            let routes = RouteRegistrar(router: router, catalog: catalog)
            SystemRoutes(checks: [], registry: running.server.metricsRegistry).add(to: router, catalog: catalog)
            CRMRoutes(
                store: running.server.store, eventBus: running.server.eventBus,
                recordings: RecordingFiles(directory: running.server.configuration.effectiveRecordingsDirectory),
                sessions: running.server.sessionStore
            ).add(to: routes)
            SessionRoutes(coordinator: running.server.sessions).add(to: routes)
            OpenAPIRoutes().add(to: routes)

            let registered = Set(catalog.routes.map { "\($0.method.rawValue) \($0.template)" })
            let inRouter = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
            #expect(inRouter == registered, "routes outside the catalog: \(inRouter.symmetricDifference(registered))")
            let documented = Set(try await ServedDocument.fetch(api).operations.map(\.description))
            #expect(registered.subtracting(documented).isEmpty, "not documented: \(registered.subtracting(documented))")
            #expect(
                documented.subtracting(registered).isEmpty,
                "documented, not routed: \(documented.subtracting(registered))")
        }
    }

    /// The running server's own catalog answers for each documented path: a method no route serves
    /// gets 405 with `Allow` listing exactly the documented methods.
    @Test func allowListsTheDocumentedMethodsOfEveryPath() async throws {
        try await withDocumentedServer(.sqlite) { _, api in
            let operations = try await ServedDocument.fetch(api).operations
            for path in Set(operations.map(\.path)) {
                let concrete = path.replacingOccurrences(of: "{id}", with: "x")
                let response = try await api.send("PUT", concrete)
                let documented = operations.filter { $0.path == path }.map(\.method).sorted()
                #expect(response.status == 405, "PUT \(concrete): \(response.status)")
                let allow = (response[header: "allow"] ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
                #expect(allow.sorted() == documented, "\(path): Allow \(allow), documented \(documented)")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func validCallsAnswerAsDocumented(backend: StorageBackend) async throws {
        try await withDocumentedServer(backend) { running, api in
            let document = try await ServedDocument.fetch(api)
            let samples = try await OperationSamples.make(running, api)
            let checker = SchemaChecker(document: document)
            for operation in document.operations {
                let sample = try await samples.request(for: operation)
                let response = try await api.with(key: OperationSamples.key(for: operation)).send(
                    operation.method, sample.path, json: sample.body?.foundation, headers: sample.headers)
                let expected = try #require(operation.successStatus)
                #expect(response.status == expected, "\(operation): \(response.status) \(response.body.prefix(300))")
                Self.expectDocumented(operation, response, checker)
            }
        }
    }

    @Test func refusalsAreDocumented() async throws {
        try await withDocumentedServer(.sqlite) { running, api in
            let document = try await ServedDocument.fetch(api)
            let samples = try await OperationSamples.make(running, api)
            let checker = SchemaChecker(document: document)
            for operation in document.operations {
                let sample = try await samples.request(for: operation)
                let key = OperationSamples.key(for: operation)
                func send(
                    _ path: String? = nil, key: String? = key, json: Any? = sample.body?.foundation,
                    raw: [UInt8]? = nil, headers: [(String, String)] = sample.headers
                ) async throws -> APIResponse {
                    try await api.with(key: key).send(
                        operation.method, path ?? sample.path, json: raw == nil ? json : nil, rawBody: raw,
                        headers: headers)
                }
                func expect(_ response: APIResponse, _ status: Int, _ what: String) {
                    #expect(
                        response.status == status,
                        "\(operation) \(what): \(response.status) \(response.body.prefix(200))")
                    Self.expectDocumented(operation, response, checker)
                }

                if !operation.isOpen {
                    expect(try await send(key: nil), 401, "without a key")
                    if operation.requiredRole == "admin" {
                        expect(try await send(key: TestAPIKeys.agent), 403, "with an agent key")
                    }
                }
                if operation.path.contains("{id}") {
                    let unknown = Self.withUnknownID(sample.path)
                    var headers = sample.headers.filter { $0.0 != "If-Match" }
                    if operation.parameter("If-Match", in: "header") != nil { headers.append(("If-Match", "*")) }
                    expect(try await send(unknown, headers: headers), 404, "with an unknown id")
                }
                if operation.method == "GET" && operation.parameters.contains(where: { $0["in"] == "query" }) {
                    let path = sample.path + (sample.path.contains("?") ? "&" : "?") + "colour=red"
                    let response = try await send(path)
                    expect(response, 400, "with an unknown query parameter")
                    #expect(response.errorFields == ["colour"], "\(operation)")
                }
                if case .object(var members) = sample.body {
                    members["colour"] = "red"
                    let response = try await send(json: JSON.object(members).foundation)
                    expect(response, 400, "with an unknown field")
                    #expect(response.errorFields == ["colour"], "\(operation)")
                    expect(
                        try await send(
                            raw: Array("subject=x".utf8), headers: sample.headers + [("Content-Type", "text/plain")]),
                        415, "with a text body")
                    let huge = Array(#"{"body":""#.utf8) + [UInt8](repeating: 0x61, count: 300_000) + Array(#""}"#.utf8)
                    expect(try await send(raw: huge), 413, "with a 300 KB body")
                }
                if let ifMatch = operation.parameter("If-Match", in: "header") {
                    let fresh = try await samples.request(for: operation)
                    let stale = fresh.headers.filter { $0.0 != "If-Match" } + [("If-Match", "\"999\"")]
                    let response = try await send(fresh.path, json: fresh.body?.foundation, headers: stale)
                    expect(response, 412, "with a stale If-Match")
                    #expect(response[header: "etag"] == "\"1\"", "\(operation): 412 names the current version")
                    if ifMatch["required"] == true {
                        let bare = fresh.headers.filter { $0.0 != "If-Match" }
                        expect(
                            try await send(fresh.path, json: fresh.body?.foundation, headers: bare), 428,
                            "without If-Match")
                    }
                }
                if operation.parameter("If-None-Match", in: "header") != nil {
                    let current = try await send()
                    let etag = try #require(current[header: "etag"])
                    expect(try await send(headers: [("If-None-Match", etag)]), 304, "with the current ETag")
                }
                if operation.parameter("Range", in: "header") != nil {
                    let part = try await send(headers: [("Range", "bytes=0-3")])
                    expect(part, 206, "with a Range")
                    #expect(part.body == "RIFF")
                    expect(try await send(headers: [("Range", "bytes=99999-")]), 416, "with a Range past the end")
                }
                if operation.parameter("Idempotency-Key", in: "header") != nil, case .object(var members) = sample.body
                {
                    let key = [("Idempotency-Key", UUID().uuidString)]
                    let first = try await send(headers: sample.headers + key)
                    #expect((200..<300).contains(first.status), "\(operation): \(first.body.prefix(200))")
                    members["colour"] = "red"
                    let other = try await send(json: JSON.object(members).foundation, headers: sample.headers + key)
                    expect(other, 422, "with a used Idempotency-Key and another body")
                }
            }
        }
    }

    /// With rate limiting on, answers carry the documented `RateLimit` fields, and a key over its
    /// limit gets the documented 429 with `Retry-After`.
    @Test func rateLimitAnswersAreDocumented() async throws {
        try await withDocumentedServer(.sqlite, configure: { $0.rateLimitPerMinute = 2 }) { _, api in
            let document = try await ServedDocument.fetch(api)
            let operation = try #require(document.operation("listTickets"))
            let checker = SchemaChecker(document: document)
            var answers: [APIResponse] = []
            for _ in 0..<3 { answers.append(try await api.get("/v1/tickets")) }
            #expect(answers.map(\.status) == [200, 200, 429])
            for response in answers {
                Self.expectDocumented(operation, response, checker)
                for name in ["RateLimit", "RateLimit-Policy"] {
                    #expect(operation.response(response.status)?["headers"]?[name] != nil, "\(name) is documented")
                    #expect(response[header: name.lowercased()] != nil, "\(response.status) has \(name)")
                }
            }
            #expect(answers[2][header: "retry-after"] != nil)
        }
    }

    /// With the session store unreachable (`REDIS_URL` at a port nothing listens on), every session
    /// route answers the documented 503 with `Retry-After: 1`, and agents the documented `presence: null`.
    @Test func sessionStoreOutageAnswersAreDocumented() async throws {
        try await withDocumentedServer(.sqlite, configure: { $0.redisURL = "redis://127.0.0.1:1" }) { _, api in
            let document = try await ServedDocument.fetch(api)
            let checker = SchemaChecker(document: document)
            let agent = try await OperationSamples.create(api, "/v1/agents", OperationSamples.agentBody())
            for (id, path) in [("getAgent", "/v1/agents/\(agent)"), ("listAgents", "/v1/agents?limit=1")] {
                let operation = try #require(document.operation(id))
                let response = try await api.get(path)
                #expect(response.status == 200, "\(operation): \(response.status) \(response.body.prefix(200))")
                let shown = id == "getAgent" ? response.json : response.json?["data"]?.array?.first
                #expect(shown?["presence"] == .some(.null), "\(operation): presence \(String(describing: shown))")
                Self.expectDocumented(operation, response, checker)
            }
            let unknown = "ses_" + String(repeating: "0", count: 26)
            let requests: [(id: String, path: String, body: JSON?)] = [
                ("createSession", "/v1/sessions", ["agent_id": .string(agent), "client": "console"]),
                ("listSessions", "/v1/sessions?agent=\(agent)", nil),
                ("getSession", "/v1/sessions/\(unknown)", nil),
                ("heartbeatSession", "/v1/sessions/\(unknown)/heartbeat", nil),
                ("updateSession", "/v1/sessions/\(unknown)", ["presence": "busy"]),
                ("endSession", "/v1/sessions/\(unknown)", nil),
            ]
            let sessionOperations = document.operations.filter { $0.path.hasPrefix("/v1/sessions") }
            #expect(Set(requests.map(\.id)) == Set(sessionOperations.map(\.id)), "every session operation is tried")
            for request in requests {
                let operation = try #require(document.operation(request.id))
                let response = try await api.with(key: TestAPIKeys.agent).send(
                    operation.method, request.path, json: request.body?.foundation)
                #expect(response.status == 503, "\(operation): \(response.status) \(response.body.prefix(200))")
                #expect(response[header: "retry-after"] == "1", "\(operation)")
                Self.expectDocumented(operation, response, checker)
            }
        }
    }

    /// The answer's status is one the operation documents, with the documented media type, a body
    /// of the documented schema, and the documented headers that are not conditional.
    static func expectDocumented(
        _ operation: ServedDocument.Operation, _ response: APIResponse, _ checker: SchemaChecker
    ) {
        guard let documented = operation.response(response.status) else {
            Issue.record(
                "\(operation) answered \(response.status), which it does not document: \(response.body.prefix(200))")
            return
        }
        let content = documented["content"]?.object ?? [:]
        if content.isEmpty {
            #expect(response.body.isEmpty, "\(operation) \(response.status) has no body")
        } else {
            let mediaTypes = content.keys.map { $0.split(separator: ";")[0].lowercased() }
            #expect(
                mediaTypes.contains(response.mediaType ?? ""),
                "\(operation) \(response.status): \(response.mediaType ?? "none")")
            if let mediaType = response.mediaType, mediaType.hasSuffix("json"),
                let schema = content.first(where: { $0.key.hasPrefix(mediaType) })?.value["schema"]
            {
                let body = JSON.parse(response.body) ?? .string(response.body)
                let errors = checker.errors(body, schema)
                #expect(errors.isEmpty, "\(operation) \(response.status): \(errors.prefix(5))")
            }
        }
        let conditional: Set<String> = ["Link", "Idempotency-Replayed", "RateLimit", "RateLimit-Policy", "Retry-After"]
        for name in documented["headers"]?.object?.keys.sorted() ?? [] where !conditional.contains(name) {
            #expect(response[header: name.lowercased()] != nil, "\(operation) \(response.status) has \(name)")
        }
    }

    /// The same path with each id replaced by a well-formed id of the same kind that no row has.
    static func withUnknownID(_ path: String) -> String {
        let query = path.firstIndex(of: "?").map { String(path[$0...]) } ?? ""
        let parts = path.prefix { $0 != "?" }.split(separator: "/", omittingEmptySubsequences: false).map { part in
            guard part.count == 30, part.dropFirst(3).first == "_" else { return String(part) }
            return part.prefix(4) + String(repeating: "0", count: 26)
        }
        return parts.joined(separator: "/") + query
    }
}
