import Foundation
import SwitchboardTestSupport
import Testing

/// Rows the CRM suites need, made through the API as a client would, and the checks every suite
/// repeats (a problem answer, a ticket's version).
enum CRMFixtures {
    /// A well-formed id that no row has (ids are a prefix and 26 Crockford base32 characters).
    static func unknownID(_ prefix: String) -> String {
        prefix + "_" + String(repeating: "0", count: 26)
    }

    /// A new customer with a unique email; returns its id.
    static func customer(_ api: APIClient, name: String = "Ann Lee") async throws -> String {
        let email = "c-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let response = try await api.post("/v1/customers", ["name": name, "email": email])
        try #require(response.status == 201, "POST /v1/customers: \(response.body)")
        return try #require(response.string("id"))
    }

    /// A new agent (made with the admin key), deactivated when `active` is false; returns its id.
    static func agent(_ api: APIClient, active: Bool = true) async throws -> String {
        let admin = api.with(key: TestAPIKeys.admin)
        let email = "a-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let response = try await admin.post("/v1/agents", ["name": "Agent \(email.prefix(10))", "email": email])
        try #require(response.status == 201, "POST /v1/agents: \(response.body)")
        let id = try #require(response.string("id"))
        if !active {
            let patched = try await admin.patch("/v1/agents/\(id)", ["active": false])
            try #require(patched.status == 200, "PATCH /v1/agents: \(patched.body)")
        }
        return id
    }

    /// A new ticket of `customer` with `fields` on top of a subject and channel; returns the 201.
    static func ticket(
        _ api: APIClient, customer: String, subject: String = "Printer on fire", _ fields: [String: Any] = [:]
    ) async throws -> APIResponse {
        var body: [String: Any] = ["subject": subject, "channel": "email", "customer_id": customer]
        body.merge(fields) { _, new in new }
        let response = try await api.post("/v1/tickets", body)
        try #require(response.status == 201, "POST /v1/tickets: \(response.body)")
        return response
    }

    /// The id of a new ticket.
    static func ticketID(
        _ api: APIClient, customer: String, subject: String = "Printer on fire", _ fields: [String: Any] = [:]
    ) async throws -> String {
        try #require(try await Self.ticket(api, customer: customer, subject: subject, fields).string("id"))
    }

    /// The ticket as `GET` shows it now.
    static func current(_ api: APIClient, _ id: String) async throws -> APIResponse {
        let response = try await api.get("/v1/tickets/\(id)")
        try #require(response.status == 200, "GET /v1/tickets/\(id): \(response.body)")
        return response
    }

    /// Every page of a list, following `next` links; fails on a page that is not 200.
    static func allItems(_ api: APIClient, _ path: String) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var next: String? = path
        var pages = 0
        while let target = next {
            let page = try await api.get(target)
            try #require(page.status == 200, "GET \(target): \(page.body)")
            items += page.items
            next = page.next
            pages += 1
            try #require(pages < 100, "the list does not end")
        }
        return items
    }

    /// The ids of every ticket a list query returns.
    static func ticketIDs(_ api: APIClient, _ query: String) async throws -> Set<String> {
        Set(try await Self.allItems(api, "/v1/tickets?" + query).compactMap { $0["id"] as? String })
    }
}

extension APIResponse {
    /// Whether this is an RFC 9457 problem: the media type, and a body with the same status, a
    /// title and a non-empty detail.
    var isProblem: Bool {
        let mediaType = self[header: "content-type"]?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        return mediaType == "application/problem+json" && self.int("status") == self.status
            && self.string("title") != nil && !(self.string("detail") ?? "").isEmpty
    }

    /// The problem's `detail`, or "" when there is none.
    var detail: String { self.string("detail") ?? "" }

    /// The `detail` of the problem's error for `field`.
    func fieldDetail(_ field: String) -> String? {
        let errors = (self.object["errors"] as? [Any]) ?? []
        return errors.compactMap { $0 as? [String: Any] }.first { $0["field"] as? String == field }?["detail"]
            as? String
    }

    /// `version` of a ticket body.
    var version: Int? { self.int("version") }
}

/// Whether two JSON objects are equal, compared as Foundation values.
func jsonEqual(_ lhs: [String: Any], _ rhs: [String: Any]) -> Bool {
    NSDictionary(dictionary: lhs).isEqual(to: rhs)
}

/// `text` percent-encoded for a query value (everything but the ASCII unreserved characters).
func queryEscaped(_ text: String) -> String {
    let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
