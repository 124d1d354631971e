import Foundation
import REST
import SwitchboardTestSupport
import Testing

/// `GET /v1/audit` on both backends: admin-only, one entry per change with the caller's key id
/// (never the key), its role and the field-level changes, filtered and paged.
@Suite(.timeLimit(.minutes(1)))
struct AuditRoutesTests {
    static let adminKeyID = APIKeyRing.keyID(for: TestAPIKeys.admin)
    static let agentKeyID = APIKeyRing.keyID(for: TestAPIKeys.agent)

    @Test func keyIDsAreStableNonSecretNames() {
        for id in [Self.adminKeyID, Self.agentKeyID] {
            #expect(id.hasPrefix("key_"))
            #expect(id.count == 16)
            #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
        }
        #expect(Self.adminKeyID != Self.agentKeyID)
        #expect(APIKeyRing.keyID(for: TestAPIKeys.admin) == Self.adminKeyID)
    }

    @Test(arguments: StorageBackend.allCases)
    func onlyAdminsReadTheAuditLog(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let forbidden = try await api.with(key: TestAPIKeys.agent).get("/v1/audit")
            #expect(forbidden.status == 403, "\(forbidden.body)")
            #expect(forbidden.isProblem, "\(forbidden.body)")
            let anonymous = try await api.with(key: nil).get("/v1/audit")
            #expect(anonymous.status == 401)
            #expect(anonymous.isProblem)
            let empty = try await api.get("/v1/audit")
            #expect(empty.status == 200, "\(empty.body)")
            #expect(empty.items.isEmpty)
            #expect(empty.object["next"] is NSNull)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func ticketChangesAreAuditedWithActorRoleAndFieldChanges(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let agentAPI = api.with(key: TestAPIKeys.agent)
            let customer = try await CRMFixtures.customer(agentAPI)
            let assignee = try await CRMFixtures.agent(api)
            let ticket = try await CRMFixtures.ticketID(agentAPI, customer: customer, subject: "Printer")
            let patched = try await api.patch(
                "/v1/tickets/\(ticket)", ["status": "pending", "priority": "high", "assignee_id": assignee],
                headers: [("If-Match", "\"1\"")])
            try #require(patched.status == 200, "\(patched.body)")

            let response = try await api.get("/v1/audit?entity_type=ticket&entity_id=\(ticket)")
            #expect(response.status == 200, "\(response.body)")
            #expect(!response.body.contains(TestAPIKeys.admin) && !response.body.contains(TestAPIKeys.agent))
            let entries = response.items
            #expect(entries.count == 3, "\(response.body)")
            #expect(entries.last?["action"] as? String == "ticket.created", "newest first")
            let byAction = Dictionary(entries.map { ($0["action"] as? String ?? "", $0) }) { first, _ in first }
            #expect(Set(byAction.keys) == ["ticket.created", "ticket.updated", "ticket.assigned"])

            let created = try #require(byAction["ticket.created"])
            #expect(created["actor"] as? String == Self.agentKeyID)
            #expect(created["actor_role"] as? String == "agent")
            #expect(created["entity_type"] as? String == "ticket")
            #expect(created["entity_id"] as? String == ticket)
            #expect((created["id"] as? String)?.hasPrefix("aud_") == true)
            #expect((created["at"] as? String)?.hasSuffix("Z") == true)
            #expect(Self.changes(created)["subject"] == Change(from: nil, to: "Printer"))
            #expect(Self.changes(created)["customer_id"] == Change(from: nil, to: customer))

            let updated = try #require(byAction["ticket.updated"])
            #expect(updated["actor"] as? String == Self.adminKeyID)
            #expect(updated["actor_role"] as? String == "admin")
            #expect(
                Self.changes(updated) == [
                    "status": Change(from: "open", to: "pending"), "priority": Change(from: "normal", to: "high"),
                ])
            let assigned = try #require(byAction["ticket.assigned"])
            #expect(assigned["actor"] as? String == Self.adminKeyID)
            #expect(Self.changes(assigned) == ["assignee_id": Change(from: nil, to: assignee)])
            // A change and its entry come from the same transaction: the same instant.
            #expect(updated["at"] as? String == patched.string("updated_at"))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func customerAndAgentChangesAreAuditedToo(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await api.with(key: TestAPIKeys.agent).post(
                "/v1/customers", ["name": "Ann", "email": "ann@example.com"])
            let customerID = try #require(customer.string("id"))
            let patched = try await api.patch(
                "/v1/customers/\(customerID)", ["email": "Ann.Lee@example.com", "phone": "+1 555 0100"])
            try #require(patched.status == 200, "\(patched.body)")
            let agentID = try await CRMFixtures.agent(api, active: false)

            let customerLog = try await api.get("/v1/audit?entity_type=customer&entity_id=\(customerID)")
            #expect(
                customerLog.items.compactMap { $0["action"] as? String } == ["customer.updated", "customer.created"])
            let update = try #require(customerLog.items.first)
            #expect(update["actor"] as? String == Self.adminKeyID)
            #expect(
                Self.changes(update) == [
                    "email": Change(from: "ann@example.com", to: "ann.lee@example.com"),
                    "phone": Change(from: nil, to: "+1 555 0100"),
                ])
            #expect(customerLog.items.last?["actor"] as? String == Self.agentKeyID)

            let agentLog = try await api.get("/v1/audit?entity_id=\(agentID)")
            #expect(agentLog.items.compactMap { $0["action"] as? String } == ["agent.updated", "agent.created"])
            #expect(agentLog.items.allSatisfy { $0["entity_type"] as? String == "agent" })
            #expect(Self.changes(agentLog.items[0]) == ["active": Change(from: "true", to: "false")])
            #expect(agentLog.items.allSatisfy { $0["actor_role"] as? String == "admin" })
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func filtersAndPages(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let agentAPI = api.with(key: TestAPIKeys.agent)
            let customer = try await CRMFixtures.customer(agentAPI)  // customer.created by the agent
            let first = try await CRMFixtures.ticketID(api, customer: customer)  // ticket.created by the admin
            let second = try await CRMFixtures.ticketID(agentAPI, customer: customer)
            for (index, ticket) in [first, second].enumerated() {
                let patched = try await agentAPI.patch(
                    "/v1/tickets/\(ticket)", ["subject": "Renamed \(index)"], headers: [("If-Match", "\"1\"")])
                try #require(patched.status == 200, "\(patched.body)")
            }

            func actions(_ query: String) async throws -> [String] {
                let response = try await api.get("/v1/audit?" + query)
                try #require(response.status == 200, "\(query): \(response.body)")
                return response.items.compactMap { $0["action"] as? String }
            }
            #expect(try await actions("").count == 5)
            #expect(try await actions("entity_type=customer") == ["customer.created"])
            #expect(try await actions("entity_id=\(first)") == ["ticket.updated", "ticket.created"])
            #expect(try await actions("entity_type=ticket&entity_id=\(second)").count == 2)
            #expect(try await actions("entity_type=agent").isEmpty)
            #expect(try await actions("actor=\(Self.adminKeyID)") == ["ticket.created"])
            #expect(try await actions("actor=\(Self.agentKeyID)").count == 4)
            #expect(try await actions("actor=\(Self.agentKeyID)&entity_type=customer") == ["customer.created"])
            #expect(try await actions("actor=\(queryEscaped(TestAPIKeys.agent))").isEmpty, "the key is no actor")
            #expect(try await actions("sort=created_at").first == "customer.created", "oldest first on request")

            let all = try await CRMFixtures.allItems(api, "/v1/audit?limit=2")
            let ids = all.compactMap { $0["id"] as? String }
            #expect(ids.count == 5)
            #expect(Set(ids).count == 5, "every entry once")
            let onePage = try await api.get("/v1/audit?limit=2")
            #expect(onePage.items.count == 2)
            #expect(onePage.next?.contains("limit=2") == true)
            let filteredPages = try await CRMFixtures.allItems(api, "/v1/audit?limit=1&actor=\(Self.agentKeyID)")
            #expect(filteredPages.count == 4)
            #expect(filteredPages.allSatisfy { $0["actor"] as? String == Self.agentKeyID })

            for query in ["entity_type=" + String(repeating: "x", count: 33), "limit=201", "who=me", "cursor=abc"] {
                let refused = try await api.get("/v1/audit?" + query)
                #expect(refused.status == 400, "\(query): \(refused.body)")
                #expect(refused.isProblem)
            }
        }
    }

    struct Change: Equatable, CustomStringConvertible {
        var from: String?
        var to: String?
        var description: String { "\(self.from ?? "null") -> \(self.to ?? "null")" }
    }

    /// An entry's `changes` by field.
    static func changes(_ entry: [String: Any]) -> [String: Change] {
        var result: [String: Change] = [:]
        for change in (entry["changes"] as? [Any] ?? []).compactMap({ $0 as? [String: Any] }) {
            guard let field = change["field"] as? String else { continue }
            result[field] = Change(from: change["from"] as? String, to: change["to"] as? String)
        }
        return result
    }
}
