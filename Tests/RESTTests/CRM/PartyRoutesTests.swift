import Foundation
import SwitchboardTestSupport
import Testing

/// `/v1/customers` and `/v1/agents` on both backends, through real HTTP: contact rules, filters and
/// pages, preconditions, unique emails, and who may change agents.
@Suite(.timeLimit(.minutes(1)))
struct PartyRoutesTests {
    @Test(arguments: StorageBackend.allCases)
    func customersNeedAPlausibleEmailOrPhone(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let agent = api.with(key: TestAPIKeys.agent)
            let created = try await agent.post("/v1/customers", ["name": "Ann Lee", "email": "Ann@Example.com"])
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(created.string("id"))
            #expect(id.hasPrefix("cus_"))
            #expect(created[header: "location"] == "/v1/customers/\(id)")
            #expect(created[header: "etag"] == "\"1\"")
            #expect(created.string("email") == "ann@example.com", "emails are stored lower-case")
            #expect(created.object["phone"] is NSNull)
            #expect(created.int("version") == 1)
            #expect(created.string("created_at")?.hasSuffix("Z") == true)

            let byPhone = try await agent.post("/v1/customers", ["name": "Bo", "phone": "+44 (20) 7946-0000"])
            #expect(byPhone.status == 201, "\(byPhone.body)")
            #expect(byPhone.object["email"] is NSNull)
            #expect(byPhone.string("phone") == "+44 (20) 7946-0000")

            let bad: [([String: Any], String)] = [
                (["name": "No contact"], "email"),
                (["name": "Nulls", "email": NSNull(), "phone": NSNull()], "email"),
                (["name": "Typo", "email": "ann.example.com"], "email"),
                (["name": "Typo", "email": "ann@example"], "email"),
                (["name": "Spaces", "email": "ann lee@example.com"], "email"),
                (["name": "Letters", "phone": "call me"], "phone"),
                (["name": "Short", "phone": "12"], "phone"),
                (["name": "Plus inside", "phone": "12+345"], "phone"),
                (["email": "nameless@example.com"], "name"),
                (["name": "Extra", "email": "x@example.com", "vip": true], "vip"),
            ]
            for (body, field) in bad {
                let refused = try await agent.post("/v1/customers", body)
                #expect(refused.status == 400, "\(body): \(refused.body)")
                #expect(refused.isProblem, "\(refused.body)")
                #expect(refused.errorFields.contains(field), "\(body) should name \(field): \(refused.body)")
                #expect(refused.detail.contains(field), "\(refused.body)")
            }
            #expect(
                try await api.with(key: nil).post("/v1/customers", ["name": "X", "email": "x@example.com"])
                    .status == 401)

            let list = try await api.get("/v1/customers")
            #expect(list.items.count == 2, "refused requests made no customers")
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func customersListWithFiltersAndPages(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            var ids: [String] = []
            for (name, email) in [
                ("Ann Lee", "ann@example.com"), ("Bob Stone", "bob@example.org"), ("Anna Bell", "anna@example.net"),
                ("Carl Lee", "carl@example.com"), ("Dora", "dora@example.com"),
            ] {
                let created = try await api.post("/v1/customers", ["name": name, "email": email])
                try #require(created.status == 201, "\(created.body)")
                ids.append(try #require(created.string("id")))
            }
            func names(_ query: String) async throws -> [String] {
                let list = try await api.with(key: TestAPIKeys.agent).get("/v1/customers?" + query)
                try #require(list.status == 200, "\(query): \(list.body)")
                return list.items.compactMap { $0["name"] as? String }
            }
            #expect(try await names("") == ["Dora", "Carl Lee", "Anna Bell", "Bob Stone", "Ann Lee"], "newest first")
            #expect(try await names("sort=created_at").first == "Ann Lee")
            #expect(try await names("q=LEE") == ["Carl Lee", "Ann Lee"], "q is case-insensitive over the name")
            #expect(try await names("q=example.org") == ["Bob Stone"], "q searches emails too")
            #expect(try await names("q=ann") == ["Anna Bell", "Ann Lee"])
            #expect(try await names("q=nobody").isEmpty)
            #expect(try await names("email=ANN@Example.com") == ["Ann Lee"], "email matches exactly, ignoring case")
            #expect(try await names("email=ann@example").isEmpty)
            #expect(try await names("q=ann&email=anna@example.net") == ["Anna Bell"])

            let first = try await api.get("/v1/customers?limit=2")
            #expect(first.items.count == 2)
            let next = try #require(first.next)
            #expect(next.contains("limit=2") && next.contains("cursor="))
            #expect(first[header: "link"] == "<\(next)>; rel=\"next\"")
            let all = try await CRMFixtures.allItems(api, "/v1/customers?limit=2")
            #expect(all.compactMap { $0["id"] as? String } == ids.reversed(), "each customer once, in order")
            let filtered = try await CRMFixtures.allItems(api, "/v1/customers?limit=1&q=lee")
            #expect(filtered.compactMap { $0["name"] as? String } == ["Carl Lee", "Ann Lee"], "pages keep the filter")

            for query in ["limit=0", "limit=abc", "sort=name", "cursor=garbage", "colour=red"] {
                let refused = try await api.get("/v1/customers?" + query)
                #expect(refused.status == 400, "\(query): \(refused.body)")
                let parameter = String(query.prefix { $0 != "=" })
                #expect(refused.errorFields == [parameter], "\(query): \(refused.body)")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func customerGetPatchAndPreconditions(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let agent = api.with(key: TestAPIKeys.agent)
            let id = try await CRMFixtures.customer(api, name: "Ann")
            let path = "/v1/customers/\(id)"
            let fetched = try await agent.get(path)
            #expect(fetched.status == 200)
            #expect(fetched[header: "etag"] == "\"1\"")
            #expect(fetched.string("name") == "Ann")

            // If-Match is optional on customers.
            let renamed = try await agent.patch(path, ["name": "Ann Lee"])
            #expect(renamed.status == 200, "\(renamed.body)")
            #expect(renamed.int("version") == 2)
            #expect(renamed[header: "etag"] == "\"2\"")

            let stale = try await agent.patch(path, ["name": "Stale"], headers: [("If-Match", "\"1\"")])
            #expect(stale.status == 412, "\(stale.body)")
            #expect(stale.isProblem)
            #expect(stale[header: "etag"] == "\"2\"")
            #expect(try await agent.get(path).string("name") == "Ann Lee", "a refused PATCH changes nothing")

            let current = try await agent.patch(
                path, ["phone": "+1 555 0100", "email": NSNull()], headers: [("If-Match", "\"2\"")])
            #expect(current.status == 200, "\(current.body)")
            #expect(current.int("version") == 3)
            #expect(current.object["email"] is NSNull)
            #expect(current.string("phone") == "+1 555 0100")

            let unreachable = try await agent.patch(path, ["phone": NSNull()])
            #expect(unreachable.status == 422, "the last contact cannot go: \(unreachable.body)")
            #expect(unreachable.isProblem)
            let badEmail = try await agent.patch(path, ["email": "nope"])
            #expect(badEmail.status == 400)
            #expect(badEmail.errorFields == ["email"])
            let badPhone = try await agent.patch(path, ["phone": "555-CALL"])
            #expect(badPhone.status == 400)
            #expect(badPhone.errorFields == ["phone"])
            let malformed = try await agent.patch(path, ["name": "X"], headers: [("If-Match", "3")])
            #expect(malformed.status == 400, "\(malformed.body)")

            let unknown = try await agent.get("/v1/customers/" + CRMFixtures.unknownID("cus"))
            #expect(unknown.status == 404)
            #expect(unknown.isProblem)
            #expect(try await agent.get("/v1/customers/tkt_nope").status == 404)
            #expect(try await agent.patch("/v1/customers/" + CRMFixtures.unknownID("cus"), ["name": "X"]).status == 404)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func duplicateCustomerEmailIs409(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let first = try await api.post("/v1/customers", ["name": "Ann", "email": "ann@example.com"])
            #expect(first.status == 201)
            let duplicate = try await api.post("/v1/customers", ["name": "Ann 2", "email": "ANN@example.COM"])
            #expect(duplicate.status == 409, "\(duplicate.body)")
            #expect(duplicate.isProblem)
            #expect(duplicate.errorFields == ["email"])
            #expect(!duplicate.detail.contains("ann@example.com"), "the detail does not echo stored data")

            let phone = try await api.post("/v1/customers", ["name": "P", "phone": "+1 555 0100"])
            #expect(phone.status == 201)
            let samePhone = try await api.post("/v1/customers", ["name": "P2", "phone": "+1 555 0100"])
            #expect(samePhone.status == 409)
            #expect(samePhone.errorFields == ["phone"])

            let bob = try await CRMFixtures.customer(api, name: "Bob")
            let clash = try await api.patch("/v1/customers/\(bob)", ["email": "Ann@Example.com"])
            #expect(clash.status == 409, "\(clash.body)")
            #expect(clash.errorFields == ["email"])
            #expect(try await api.get("/v1/customers/\(bob)").int("version") == 1)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func onlyAdminsCreateAndUpdateAgents(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let agentKey = api.with(key: TestAPIKeys.agent)
            let anonymous = api.with(key: nil)
            let body = ["name": "Ada", "email": "Ada@Example.com"]

            let forbidden = try await agentKey.post("/v1/agents", body)
            #expect(forbidden.status == 403, "\(forbidden.body)")
            #expect(forbidden.isProblem, "\(forbidden.body)")
            #expect(forbidden[header: "content-type"]?.hasPrefix("application/problem+json") == true)
            let unauthorized = try await anonymous.post("/v1/agents", body)
            #expect(unauthorized.status == 401)
            #expect(unauthorized.isProblem)
            #expect(unauthorized[header: "www-authenticate"] != nil)
            #expect(try await api.get("/v1/agents").items.isEmpty, "refused creates made nothing")

            let created = try await api.post("/v1/agents", body)
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(created.string("id"))
            #expect(id.hasPrefix("agt_"))
            #expect(created[header: "location"] == "/v1/agents/\(id)")
            #expect(created[header: "etag"] == "\"1\"")
            #expect(created.string("email") == "ada@example.com")
            #expect(created.object["active"] as? Bool == true)

            let path = "/v1/agents/\(id)"
            let byAgent = try await agentKey.get(path)
            #expect(byAgent.status == 200)
            #expect(byAgent.body == created.body, "GET shows what POST returned")
            #expect(try await anonymous.get(path).status == 401)
            #expect(try await anonymous.get("/v1/agents").status == 401)
            #expect(try await agentKey.get("/v1/agents").items.count == 1)

            let patchForbidden = try await agentKey.patch(path, ["active": false])
            #expect(patchForbidden.status == 403)
            #expect(patchForbidden.isProblem)
            #expect(try await anonymous.patch(path, ["active": false]).status == 401)
            #expect(try await api.get(path).int("version") == 1)

            let renamed = try await api.patch(path, ["name": "Ada L."], headers: [("If-Match", "\"1\"")])
            #expect(renamed.status == 200, "\(renamed.body)")
            #expect(renamed.int("version") == 2)
            let stale = try await api.patch(path, ["name": "Old"], headers: [("If-Match", "\"1\"")])
            #expect(stale.status == 412)
            #expect(stale[header: "etag"] == "\"2\"")

            for (bad, field) in [
                (["name": "No email"], "email"), (["email": "x@example.com"], "name"),
                (["name": "Typo", "email": "nope"], "email"),
                (["name": "X", "email": "x@example.com", "role": "boss"], "role"),
            ] as [([String: Any], String)] {
                let refused = try await api.post("/v1/agents", bad)
                #expect(refused.status == 400, "\(bad): \(refused.body)")
                #expect(refused.errorFields.contains(field), "\(bad): \(refused.body)")
            }
            let badActive = try await api.patch(path, ["active": "no"])
            #expect(badActive.status == 400)
            #expect(badActive.errorFields == ["active"])
            #expect(try await api.get("/v1/agents/" + CRMFixtures.unknownID("agt")).status == 404)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func agentsListFiltersAndUniqueEmail(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let agentKey = api.with(key: TestAPIKeys.agent)
            var ids: [String] = []
            for name in ["Ada", "Grace", "Linus", "Ken"] {
                let created = try await api.post("/v1/agents", ["name": name, "email": "\(name)@example.com"])
                try #require(created.status == 201, "\(created.body)")
                ids.append(try #require(created.string("id")))
            }
            let retire = try await api.patch("/v1/agents/\(ids[1])", ["active": false])
            #expect(retire.status == 200, "\(retire.body)")
            #expect(retire.object["active"] as? Bool == false)

            func names(_ query: String) async throws -> [String] {
                let list = try await agentKey.get("/v1/agents?" + query)
                try #require(list.status == 200, "\(query): \(list.body)")
                return list.items.compactMap { $0["name"] as? String }
            }
            #expect(try await names("active=false") == ["Grace"])
            #expect(try await names("active=true") == ["Ken", "Linus", "Ada"])
            #expect(try await names("") == ["Ken", "Linus", "Grace", "Ada"])
            #expect(try await names("q=LI") == ["Linus"])
            #expect(try await names("q=ad&active=true&sort=created_at") == ["Ada"])
            let paged = try await CRMFixtures.allItems(api, "/v1/agents?limit=3&sort=created_at")
            #expect(paged.compactMap { $0["id"] as? String } == ids)
            let badFilter = try await agentKey.get("/v1/agents?active=maybe")
            #expect(badFilter.status == 400)
            #expect(badFilter.errorFields == ["active"])

            let duplicate = try await api.post("/v1/agents", ["name": "Ada 2", "email": "ADA@example.com"])
            #expect(duplicate.status == 409, "\(duplicate.body)")
            #expect(duplicate.isProblem)
            #expect(duplicate.errorFields == ["email"])
            let clash = try await api.patch("/v1/agents/\(ids[2])", ["email": "grace@EXAMPLE.com"])
            #expect(clash.status == 409, "\(clash.body)")
            #expect(clash.errorFields == ["email"])
        }
    }
}
