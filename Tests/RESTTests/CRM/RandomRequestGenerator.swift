import Foundation
import SwitchboardTestSupport

/// Seeded random requests against the CRM's write and list routes: JSON that is almost right,
/// JSON of the wrong shape, bytes that are not JSON, and query strings with unknown names and odd
/// values. The same seed gives the same requests, so a failure replays.
struct RandomRequestGenerator {
    struct Request: CustomStringConvertible {
        var method: String
        var path: String
        var headers: [(String, String)]
        var body: [UInt8]?

        var description: String {
            let text = self.body.map { String(decoding: $0.prefix(200), as: UTF8.self).debugDescription } ?? "-"
            return "\(self.method) \(self.path) \(self.headers.map { "\($0.0): \($0.1)" }) \(text)"
        }
    }

    private var random: SplitMix64
    private let customer: String
    private let ticket: String

    init(seed: UInt64, customer: String, ticket: String) {
        self.random = SplitMix64(seed: seed)
        self.customer = customer
        self.ticket = ticket
    }

    private static let fieldNames = [
        "subject", "channel", "customer_id", "status", "priority", "assignee_id", "tags", "author_type", "author_id",
        "body", "direction", "name", "email", "phone", "message", "id", "version", "Subject", "", "tags[0]",
        "__proto__",
    ]
    private static let strings = [
        "", " ", "open", "pending", "solved", "closed", "urgent", "low", "email", "chat", "phone", "agent", "customer",
        "inbound", "x", "null", "%", "_", "\\", "'; DROP TABLE tickets; --", "a\u{0}b", "\u{7}", "\u{1F525}", "é",
        "\u{202E}rtl", "ann@example.com", "+1 555 0100", "tkt_00000000000000000000000000", "\u{FEFF}", "\n",
        String(repeating: "y", count: 201), String(repeating: "z", count: 10_001),
    ]
    private static let queryNames = [
        "status", "priority", "channel", "assignee", "assignee_id", "customer", "customer_id", "tag", "q", "from_date",
        "fromDate", "to_date", "toDate", "sort", "limit", "cursor", "archived", "page", "STATUS", "", "q[]",
    ]
    private static let queryValues = [
        "", "open", "open,pending", ",", "none", "2026-01-31", "2026-02-30", "12/01/2026", "-1", "0", "201", "50",
        "99999999999999999999", "true", "false", "-priority", "updated_at", "%25", "%00", "%FF", "%E2%82", "a%20b",
        "tkt_00000000000000000000000000", "LS1jcmVhdGVkX2F0fDF8eA", "%2C%2C", "%27%3B--",
    ]

    private mutating func int(_ bound: Int) -> Int { Int(self.random.next() % UInt64(bound)) }
    private mutating func chance(_ percent: Int) -> Bool { self.int(100) < percent }
    private mutating func pick<T>(_ items: [T]) -> T { items[self.int(items.count)] }

    mutating func next() -> Request {
        switch self.int(7) {
        case 0, 1: return Request(method: "POST", path: "/v1/tickets", headers: self.headers(), body: self.body())
        case 2:
            var headers = self.headers()
            if self.chance(80) {
                headers.append(("If-Match", self.pick(["\"1\"", "*", "\"999\"", "W/\"1\"", "1", "\"\"", "\"a\", *"])))
            }
            return Request(
                method: "PATCH", path: "/v1/tickets/\(self.ticketPath())", headers: headers, body: self.body())
        case 3:
            return Request(
                method: "POST", path: "/v1/tickets/\(self.ticketPath())/messages", headers: self.headers(),
                body: self.body())
        case 4:
            let path = self.pick(["/v1/customers", "/v1/support/requests", "/v1/agents"])
            return Request(method: "POST", path: path, headers: self.headers(), body: self.body())
        case 5:
            let path = self.pick(["/v1/tickets/\(self.ticket)/messages", "/v1/customers", "/v1/agents"])
            return Request(method: "GET", path: path + "?" + self.query(), headers: [], body: nil)
        default:
            return Request(method: "GET", path: "/v1/tickets?" + self.query(), headers: [], body: nil)
        }
    }

    private mutating func ticketPath() -> String {
        self.chance(85) ? self.ticket : self.pick(["tkt_x", "123", CRMFixtures.unknownID("tkt"), "%00"])
    }

    private mutating func headers() -> [(String, String)] {
        var headers: [(String, String)] = []
        if self.chance(10) {
            headers.append(
                ("Content-Type", self.pick(["text/plain", "application/json", "application/xml+json", "*/*"])))
        }
        if self.chance(15) {
            headers.append(("Idempotency-Key", self.pick(["k1", "k2", String(repeating: "k", count: 256), "é"])))
        }
        return headers
    }

    private mutating func body() -> [UInt8] {
        switch self.int(10) {
        case 0: return (0..<self.int(64)).map { _ in UInt8(truncatingIfNeeded: self.random.next()) }
        case 1:
            let valid = Array(self.jsonText(self.object(depth: 0)).utf8)
            return Array(valid.prefix(self.int(max(1, valid.count))))
        case 2: return Array(self.jsonText(self.value(depth: 1)).utf8)
        default: return Array(self.jsonText(self.object(depth: 0)).utf8)
        }
    }

    /// A JSON object of mostly known fields, with right-looking and wrong values.
    private mutating func object(depth: Int) -> [String: Any] {
        var object: [String: Any] = [:]
        if self.chance(50) {
            object = ["subject": "Help", "channel": "chat", "customer_id": self.customer, "author_type": "customer"]
            object["body"] = "Hello"
        }
        for _ in 0..<self.int(5) {
            object[self.pick(Self.fieldNames)] = self.value(depth: depth + 1)
        }
        if self.chance(20) { object.removeValue(forKey: self.pick(Self.fieldNames)) }
        return object
    }

    private mutating func value(depth: Int) -> Any {
        switch self.int(depth > 2 ? 5 : 8) {
        case 0: return NSNull()
        case 1: return self.chance(50)
        case 2: return self.pick([0, -1, 1.5, 1e300, 9_007_199_254_740_993] as [Any])
        case 3, 4: return self.pick(Self.strings)
        case 5: return (0..<self.int(25)).map { _ in self.pick(Self.strings) }
        case 6: return (0..<self.int(4)).map { _ in self.value(depth: depth + 1) }
        default: return self.object(depth: depth + 1)
        }
    }

    private func jsonText(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else {
            return "{"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private mutating func query() -> String {
        (0..<self.int(5)).map { _ in
            let name = self.pick(Self.queryNames)
            if self.chance(10) { return name }
            let value = self.chance(80) ? self.pick(Self.queryValues) : self.randomQueryText()
            return name + "=" + value
        }.joined(separator: "&")
    }

    /// Printable ASCII that is legal in a request target, and percent-escapes of any byte.
    private mutating func randomQueryText() -> String {
        let legal = Array("abcXYZ019-._~!$'()*+,;:@/?%")
        return (0..<self.int(12)).map { _ -> String in
            self.chance(30)
                ? String(format: "%%%02X", self.int(256)) : String(self.pick(legal))
        }.joined()
    }
}
