import Foundation
import SwitchboardTestSupport
import Testing

/// Every documented request body against the server, case by case: variants of a valid body made
/// from the schema itself (each field left out, `null`, of the wrong type, at and past its length,
/// each choice and a wrong one, blank, with control characters; arrays at and past their length;
/// an unknown field). What the schema refuses the server refuses (400 naming the field; 400 or
/// 422 for a cross-field rule), and what the schema accepts the server never refuses as malformed.
@Suite(.timeLimit(.minutes(2)))
struct OpenAPIRequestBodyTests {
    struct Variant: CustomStringConvertible {
        var description: String
        /// The field the server must name when it refuses the variant.
        var field: String?
        var change: @Sendable (inout [String: JSON]) -> Void
    }

    @Test func bodySchemasRefuseWhatTheServerRefuses() async throws {
        try await withDocumentedServer(.sqlite) { running, api in
            let document = try await ServedDocument.fetch(api)
            let samples = try await OperationSamples.make(running, api)
            let checker = SchemaChecker(document: document)
            var checked = 0
            for operation in document.operations {
                guard let reference = operation.requestBody else { continue }
                let schema = document.resolve(reference)
                let structural = Self.withoutRules(schema)
                for variant in Self.variants(schema) {
                    // A fresh valid request each time: rows to change, unique emails.
                    let sample = try await samples.request(for: operation)
                    guard case .object(var body) = sample.body else {
                        Issue.record("\(operation): the sample has no object body")
                        break
                    }
                    variant.change(&body)
                    let value = JSON.object(body)
                    let response = try await api.with(key: OperationSamples.key(for: operation)).send(
                        operation.method, sample.path, json: value.foundation, headers: sample.headers)
                    let what =
                        "\(operation) \(variant): \(value.description.prefix(160)) -> \(response.status) "
                        + "\(response.body.prefix(200))"
                    OpenAPICoverageTests.expectDocumented(operation, response, checker)
                    if checker.accepts(value, schema) {
                        #expect(response.status != 400 && response.status < 500, "the schema accepts \(what)")
                    } else if checker.accepts(value, structural) {
                        #expect([400, 422].contains(response.status), "a cross-field rule refuses \(what)")
                    } else {
                        #expect(response.status == 400, "the schema refuses \(what)")
                        if let field = variant.field, response.status == 400 {
                            #expect(response.errorFields.contains(field), "\(what) names \(field)")
                        }
                    }
                    checked += 1
                }
            }
            #expect(checked > 100, "only \(checked) cases")
        }
    }

    /// The variants of a body for `schema`'s properties.
    static func variants(_ schema: JSON) -> [Variant] {
        var variants: [Variant] = [
            Variant(description: "as sampled", change: { _ in }),
            Variant(description: "with an unknown field", field: "colour", change: { $0["colour"] = "red" }),
        ]
        let required = Set(schema["required"]?.strings ?? [])
        variants.append(
            Variant(description: "with the required fields only") { body in
                body = body.filter { required.contains($0.key) }
            })
        for (name, property) in (schema["properties"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            let types = property["type"]?.string.map { [$0] } ?? property["type"]?.strings ?? []
            func add(_ description: String, field: String? = name, _ value: JSON?) {
                variants.append(Variant(description: "\(name) \(description)", field: field) { $0[name] = value })
            }
            add("left out", nil)
            add("null", .null)
            add("of the wrong type", types.contains("string") ? 12345 : "12345")
            if let choices = property["enum"]?.array {
                for choice in choices where choice != .null { add("= \(choice)", choice) }
                add("not a choice", "bogus")
            }
            if types.contains("string") && property["enum"] == nil {
                if let maxLength = property["maxLength"]?.int {
                    add("at its length", .string(Self.text(length: maxLength, for: property)))
                    add("past its length", .string(Self.text(length: maxLength + 1, for: property)))
                }
                add("blank", " \t ")
                add("with a control character", "a\u{1}b@example.com")
                add("with a C1 control character", "a\u{85}b@example.com")
            }
            if types.contains("array"), let items = property["items"] {
                add("empty", [])
                if let maxItems = property["maxItems"]?.int {
                    add("at its length", .array((0..<maxItems).map { .string("t\($0)") }))
                    add("past its length", .array((0...maxItems).map { .string("t\($0)") }))
                }
                add("with a wrong item", field: "\(name)[0]", ["a b"])
                add("with an item of the wrong type", field: "\(name)[0]", [1])
                if let maxLength = items["maxLength"]?.int {
                    add(
                        "with an item past its length", field: "\(name)[0]",
                        [.string(String(repeating: "t", count: maxLength + 1))])
                }
            }
        }
        return variants
    }

    /// A string of `length` characters that keeps the property's format or pattern, unique where a
    /// unique value is needed (emails, phone numbers).
    static func text(length: Int, for property: JSON) -> String {
        let random = String(UUID().uuidString.prefix(8).lowercased())
        if property["format"] == "email" {
            let domain = "@example.com"
            return String(repeating: "a", count: max(1, length - domain.count - random.count)) + random + domain
        }
        if property["pattern"]?.string?.contains("[0-9]") == true
            && property["pattern"]?.string?.hasPrefix("^\\+?") == true
        {
            return "+" + String((0..<max(3, length - 1)).map { _ in "0123456789".randomElement()! })
        }
        return String(repeating: "x", count: max(0, length - random.count)) + random.prefix(length)
    }

    /// The schema without its cross-field rules, to tell a field's own fault from a rule's.
    static func withoutRules(_ schema: JSON) -> JSON {
        guard case .object(var members) = schema else { return schema }
        for keyword in ["allOf", "anyOf", "if", "then"] { members[keyword] = nil }
        return .object(members)
    }
}
