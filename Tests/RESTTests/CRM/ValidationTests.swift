import Foundation
import SwitchboardTestSupport
import Testing

/// Strict request bodies: every bad body is a 400 (415, 413) `application/problem+json` whose
/// `errors[].field` names the field and whose `detail` says what is wrong; garbage never gets a 5xx.
@Suite(.timeLimit(.minutes(1)))
struct ValidationTests {
    struct BodyCase: Sendable, CustomStringConvertible {
        var name: String
        var body: String
        var status = 400
        var fields: [String] = []
        var mentions: [String] = []
        var description: String { self.name }
    }

    /// Bodies for `POST /v1/tickets`, where `CUSTOMER` stands for a real customer id.
    static let ticketBodies: [BodyCase] = [
        BodyCase(
            name: "unknown field", body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","colour":"red"}"#,
            fields: ["colour"], mentions: ["colour", "unknown field"]),
        BodyCase(
            name: "number for subject", body: #"{"subject":42,"channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["expected a string, got a number"]),
        BodyCase(
            name: "string for tags", body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","tags":"vip"}"#,
            fields: ["tags"], mentions: ["an array of strings"]),
        BodyCase(
            name: "number in tags", body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","tags":["a",1]}"#,
            fields: ["tags[1]"], mentions: ["expected a string"]),
        BodyCase(
            name: "bad tag", body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","tags":["a b"]}"#,
            fields: ["tags[0]"], mentions: ["a b", "a tag"]),
        BodyCase(
            name: "21 tags",
            body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","tags":[\#(Self.manyTags(21))]}"#,
            fields: ["tags"], mentions: ["at most 20"]),
        BodyCase(
            name: "201-character subject",
            body: #"{"subject":"\#(String(repeating: "x", count: 201))","channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["201", "200"]),
        BodyCase(
            name: "bad enum", body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","status":"done"}"#,
            fields: ["status"], mentions: ["done", "open, pending, solved, closed"]),
        BodyCase(
            name: "number for enum", body: #"{"subject":"s","channel":3,"customer_id":"CUSTOMER"}"#,
            fields: ["channel"], mentions: ["email, chat, phone", "a number"]),
        BodyCase(
            name: "missing required", body: #"{"channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["required"]),
        BodyCase(
            name: "null for required", body: #"{"subject":null,"channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["null"]),
        BodyCase(
            name: "empty string", body: #"{"subject":"","channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["empty"]),
        BodyCase(
            name: "blank string", body: #"{"subject":" \t ","channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["empty"]),
        BodyCase(
            name: "control characters", body: #"{"subject":"a\u0007b","channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["control characters"]),
        BodyCase(
            name: "NUL character", body: #"{"subject":"a\u0000b","channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["control characters"]),
        BodyCase(
            name: "DEL and C1 controls",
            body: #"{"subject":"a\u007fb\u0085","channel":"email","customer_id":"CUSTOMER"}"#,
            fields: ["subject"], mentions: ["control characters"]),
        BodyCase(
            name: "number for assignee",
            body: #"{"subject":"s","channel":"email","customer_id":"CUSTOMER","assignee_id":7}"#,
            fields: ["assignee_id"], mentions: ["string or null"]),
        BodyCase(
            name: "several at once", body: #"{"subject":5,"channel":"fax","customer_id":null,"extra":1,"tags":{}}"#,
            fields: ["subject", "channel", "customer_id", "extra", "tags"], mentions: ["5 fields are invalid"]),
        BodyCase(name: "invalid JSON", body: #"{"subject": "s""#, mentions: ["not valid JSON"]),
        BodyCase(name: "trailing garbage", body: #"{"subject":"s"} x"#, mentions: ["not valid JSON"]),
        BodyCase(name: "a JSON array", body: #"[{"subject":"s"}]"#, mentions: ["JSON object", "an array"]),
        BodyCase(name: "a JSON string", body: #""subject""#, mentions: ["JSON object", "a string"]),
        BodyCase(name: "JSON null", body: "null", mentions: ["JSON object", "null"]),
        BodyCase(name: "empty body", body: "", mentions: ["JSON object"]),
        BodyCase(name: "deep nesting", body: String(repeating: "[", count: 5000), mentions: ["JSON"]),
    ]

    static func manyTags(_ count: Int) -> String {
        (0..<count).map { "\"t\($0)\"" }.joined(separator: ",")
    }

    @Test func ticketBodiesAreValidatedStrictly() async throws {
        try await withCRMServer(.sqlite) { _, api in
            let customer = try await CRMFixtures.customer(api)
            for test in Self.ticketBodies {
                let body = test.body.replacing("CUSTOMER", with: customer)
                let response = try await api.send("POST", "/v1/tickets", rawBody: Array(body.utf8))
                #expect(response.status == test.status, "\(test): \(response.body)")
                #expect(response.isProblem, "\(test): \(response.body)")
                #expect(Set(response.errorFields) == Set(test.fields), "\(test): \(response.body)")
                for text in test.mentions {
                    #expect(response.detail.contains(text), "\(test): detail \(response.detail)")
                }
                for field in test.fields {
                    #expect(response.detail.contains(field), "\(test): detail \(response.detail) names \(field)")
                }
            }
            // Nothing above made a ticket.
            #expect(try await CRMFixtures.ticketIDs(api, "customer=\(customer)").isEmpty)

            // The limits themselves are allowed.
            let longest = try await CRMFixtures.ticket(
                api, customer: customer, subject: String(repeating: "x", count: 200),
                ["tags": (0..<20).map { "t\($0)" }, "status": "pending", "priority": "urgent"])
            #expect(longest.string("subject")?.count == 200)
            let multiline = try await CRMFixtures.ticket(api, customer: customer, subject: "line\nbreak\tand tab")
            #expect(multiline.string("subject") == "line\nbreak\tand tab")
        }
    }

    @Test func patchBodiesAreValidatedStrictly() async throws {
        try await withCRMServer(.sqlite) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let id = try await CRMFixtures.ticketID(api, customer: customer)
            let path = "/v1/tickets/\(id)"
            let cases: [(String, [String])] = [
                (
                    #"{"status":"done","priority":"asap","assignee_id":5,"nope":true}"#,
                    ["status", "priority", "assignee_id", "nope"]
                ),
                (#"{"subject":null}"#, ["subject"]),
                (#"{"subject":""}"#, ["subject"]),
                (#"{"tags":null}"#, ["tags"]),
                (#"{"customer_id":"cus_x"}"#, ["customer_id"]),
                (#"{"channel":"chat"}"#, ["channel"]),
                (#"{"version":3}"#, ["version"]),
                (#"{"id":"tkt_x","tags":["ok","NOT OK"]}"#, ["id", "tags[1]"]),
            ]
            for (body, fields) in cases {
                let response = try await api.send(
                    "PATCH", path, rawBody: Array(body.utf8), headers: [("If-Match", "\"1\"")])
                #expect(response.status == 400, "\(body): \(response.body)")
                #expect(response.isProblem, "\(body)")
                #expect(Set(response.errorFields) == Set(fields), "\(body): \(response.body)")
            }
            #expect(try await CRMFixtures.current(api, id).version == 1, "no refused PATCH changed the ticket")

            // `+json` media types are JSON; anything else is 415.
            let mergePatch = try await api.send(
                "PATCH", path, rawBody: Array(#"{"status":"pending"}"#.utf8),
                headers: [("Content-Type", "application/merge-patch+json"), ("If-Match", "\"1\"")])
            #expect(mergePatch.status == 200, "\(mergePatch.body)")
            let charset = try await api.send(
                "PATCH", path, rawBody: Array(#"{"status":"open"}"#.utf8),
                headers: [("Content-Type", "Application/JSON; charset=utf-8"), ("If-Match", "\"2\"")])
            #expect(charset.status == 200, "\(charset.body)")
        }
    }

    @Test func mediaTypeAndSize() async throws {
        try await withCRMServer(.sqlite) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let body = Array(#"{"subject":"s","channel":"email","customer_id":"\#(customer)"}"#.utf8)
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let response = try await api.send(
                    "POST", "/v1/tickets", rawBody: body, headers: [("Content-Type", type)])
                #expect(response.status == 415, "\(type): \(response.body)")
                #expect(response.isProblem)
                #expect(response.detail.contains("application/json"))
            }

            // 256 KiB is the most a route reads, with or without an Idempotency-Key.
            let padding = String(repeating: "x", count: 256 * 1024)
            let huge = Array(
                #"{"subject":"s","channel":"email","customer_id":"\#(customer)","pad":"\#(padding)"}"#.utf8)
            let headerSets: [[(String, String)]] = [[], [("Idempotency-Key", "huge-body")]]
            for headers in headerSets {
                let response = try await api.send("POST", "/v1/tickets", rawBody: huge, headers: headers)
                #expect(response.status == 413, "\(headers): \(response.body.prefix(300))")
                #expect(response.isProblem, "\(headers): \(response.body.prefix(300))")
            }
            let tooLargePatch = try await api.send(
                "PATCH", "/v1/tickets/\(CRMFixtures.unknownID("tkt"))", rawBody: huge, headers: [("If-Match", "*")])
            #expect(tooLargePatch.status == 413, "\(tooLargePatch.body.prefix(300))")
            // Just under the limit is read, and refused for its unknown field.
            let bigPadding = String(repeating: "x", count: 200 * 1024)
            let big = Array(
                #"{"subject":"s","channel":"email","customer_id":"\#(customer)","pad":"\#(bigPadding)"}"#.utf8)
            let response = try await api.send("POST", "/v1/tickets", rawBody: big)
            #expect(response.status == 400)
            #expect(response.errorFields == ["pad"])
            #expect(response.body.count < 2000, "a huge value is not echoed back")
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func randomRequestsNeverFailTheServer(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let ticket = try await CRMFixtures.ticketID(api, customer: customer)
            var generator = RandomRequestGenerator(seed: 0x5EED_C0DE, customer: customer, ticket: ticket)
            for index in 0..<200 {
                let request = generator.next()
                let response = try await api.send(
                    request.method, request.path, rawBody: request.body, headers: request.headers)
                let summary = "#\(index) \(request): \(response.status) \(response.body.prefix(300))"
                #expect(response.status < 500, "\(summary)")
                if (400..<500).contains(response.status) {
                    #expect(response.isProblem, "\(summary)")
                }
            }
            // The server is still well.
            #expect(try await api.get("/v1/tickets/\(ticket)").status == 200)
        }
    }

    /// Text a client may send in query strings that no text column can hold.
    @Test(arguments: StorageBackend.allCases)
    func controlCharactersInQueriesAreRefused(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            for query in ["q=a%00b", "customer=%00", "assignee=x%00", "tag=%00", "q=%01", "q=%FF%FE", "q=%C3%28"] {
                let response = try await api.get("/v1/tickets?" + query)
                #expect(response.status < 500, "?\(query): \(response.body)")
                #expect(response.status == 200 || response.isProblem, "?\(query): \(response.body)")
            }
            // A cursor is opaque, but a client can still forge one.
            for text in ["-created_at|1|\u{0}", "-created_at|1|tkt_\u{1}x", "-created_at|99999999999999999|x'--"] {
                let cursor = Data(text.utf8).base64EncodedString()
                    .replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
                let response = try await api.get("/v1/tickets?cursor=\(cursor)")
                #expect(response.status < 500, "cursor \(text.debugDescription): \(response.body)")
            }
        }
    }
}
