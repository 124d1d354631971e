import Foundation
import SwitchboardTestSupport
import Testing

/// `GET /v1/tickets`: every filter, the date parameters and their errors, each sort, and keyset
/// pagination followed to the end.
@Suite(.timeLimit(.minutes(1)))
struct TicketListTests {
    @Test(arguments: StorageBackend.allCases)
    func filters(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let ann = try await CRMFixtures.customer(api, name: "Ann")
            let bob = try await CRMFixtures.customer(api, name: "Bob")
            let agent = try await CRMFixtures.agent(api)
            let other = try await CRMFixtures.agent(api)
            func make(_ subject: String, _ customer: String, _ fields: [String: Any]) async throws -> String {
                try await CRMFixtures.ticketID(api, customer: customer, subject: subject, fields)
            }
            let printer = try await make(
                "Printer on FIRE", ann,
                ["status": "open", "priority": "urgent", "tags": ["billing"], "assignee_id": agent])
            let refund = try await make(
                "Refund please", bob,
                ["status": "pending", "priority": "low", "channel": "chat", "tags": ["billing", "vip"]])
            let broken = try await make(
                "100% broken", ann, ["status": "solved", "priority": "high", "channel": "phone", "assignee_id": agent])
            let fine = try await make("100 percent fine", bob, ["channel": "chat", "assignee_id": other])
            let snake = try await make("snake_case issue", ann, ["status": "closed"])
            let camel = try await make("snakeXcase issue", bob, [:])
            let message = try await api.post(
                "/v1/tickets/\(fine)/messages", ["author_type": "customer", "body": "The ZEBRA escaped"])
            try #require(message.status == 201, "\(message.body)")
            let all: Set = [printer, refund, broken, fine, snake, camel]

            let cases: [(String, Set<String>)] = [
                ("", all),
                ("status=open", [printer, fine, camel]),
                ("status=open,pending", [printer, refund, fine, camel]),
                ("status=solved,%20closed", [broken, snake]),
                ("priority=urgent", [printer]),
                ("priority=low,high", [refund, broken]),
                ("channel=chat", [refund, fine]),
                ("channel=email,phone", [printer, broken, snake, camel]),
                ("assignee=\(agent)", [printer, broken]),
                ("assignee_id=\(other)", [fine]),
                ("assignee=none", [refund, snake, camel]),
                ("assignee=\(CRMFixtures.unknownID("agt"))", []),
                ("customer=\(ann)", [printer, broken, snake]),
                ("customer_id=\(bob)", [refund, fine, camel]),
                ("tag=billing", [printer, refund]),
                ("tag=BILLING", [printer, refund]),
                ("tag=vip", [refund]),
                ("tag=nothing", []),
                ("q=printer", [printer]),
                ("q=fIrE", [printer]),
                ("q=zebra", [fine]),
                ("q=\(queryEscaped("100%"))", [broken]),
                ("q=\(queryEscaped("%"))", [broken]),
                ("q=100", [broken, fine]),
                ("q=snake_case", [snake]),
                ("q=_", [snake]),
                ("q=\(queryEscaped("\\"))", []),
                ("q=issue", [snake, camel]),
                ("status=open&channel=email", [printer, camel]),
                ("status=open&assignee=none&customer=\(bob)", [camel]),
                ("tag=billing&q=refund", [refund]),
                ("archived=true", []),
            ]
            for (query, expected) in cases {
                let found = try await CRMFixtures.ticketIDs(api, query)
                #expect(found == expected, "?\(query)")
            }

            // Dates: every ticket was made today (UTC); to_date is inclusive.
            let created = try await CRMFixtures.current(api, printer)
            let today = String(try #require(created.string("created_at")).prefix(10))
            let day = 86_400.0
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.locale = Locale(identifier: "en_US_POSIX")
            let todayDate = try #require(formatter.date(from: today))
            let yesterday = formatter.string(from: todayDate.addingTimeInterval(-day))
            let tomorrow = formatter.string(from: todayDate.addingTimeInterval(day))
            let dateCases: [(String, Set<String>)] = [
                ("from_date=\(today)", all),
                ("to_date=\(today)", all),
                ("from_date=\(today)&to_date=\(today)", all),
                ("fromDate=\(yesterday)&toDate=\(today)", all),
                ("to_date=\(yesterday)", []),
                ("toDate=\(yesterday)", []),
                ("from_date=\(tomorrow)", []),
                ("fromDate=\(tomorrow)", []),
                ("from_date=\(yesterday)&to_date=\(yesterday)", []),
                ("fromDate=\(today)&status=pending", [refund]),
            ]
            for (query, expected) in dateCases {
                let found = try await CRMFixtures.ticketIDs(api, query)
                #expect(found == expected, "?\(query)")
            }
        }
    }

    /// `q` lower-cases the search text in Swift (all of Unicode) but the column with SQL `lower()`,
    /// which on SQLite (and PostgreSQL in the C locale) folds ASCII only: "CAFÉ" is not found even
    /// by `q=CAFÉ`. Fixing it needs `SQLBuilder.containsPattern` or a folded search column.
    @Test func nonASCIISearchIsAKnownGap() async throws {
        try await withCRMServer(.sqlite) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let id = try await CRMFixtures.ticketID(api, customer: customer, subject: "CAFÉ crème")
            #expect(try await CRMFixtures.ticketIDs(api, "q=caf") == [id])
            #expect(try await CRMFixtures.ticketIDs(api, "q=\(queryEscaped("crème"))") == [id])
            let sameCase = try await CRMFixtures.ticketIDs(api, "q=\(queryEscaped("CAFÉ"))")
            withKnownIssue("non-ASCII letters are folded on one side of LIKE only") {
                #expect(sameCase == [id])
            }
        }
    }

    @Test func badQueryParametersAre400NamingThem() async throws {
        try await withCRMServer(.sqlite) { _, api in
            let cases: [(query: String, field: String, mentions: [String])] = [
                ("from_date=2026-02-30", "from_date", ["2026-02-30", "YYYY-MM-DD"]),
                ("fromDate=\(queryEscaped("12/01/2026"))", "fromDate", ["12/01/2026", "YYYY-MM-DD"]),
                ("to_date=2026-13-01", "to_date", ["2026-13-01", "YYYY-MM-DD"]),
                ("toDate=yesterday", "toDate", ["yesterday", "YYYY-MM-DD"]),
                ("to_date=2026-1-5", "to_date", ["YYYY-MM-DD"]),
                ("from_date=2027-02-29", "from_date", ["2027-02-29"]),
                ("from_date=2026-03-01&to_date=2026-02-01", "to_date", ["before"]),
                ("from_date=2026-01-01&fromDate=2026-01-02", "from_date", ["once"]),
                ("status=done", "status", ["done", "open, pending, solved, closed"]),
                ("status=open,", "status", ["open, pending"]),
                ("priority=asap", "priority", ["asap"]),
                ("channel=fax", "channel", ["fax"]),
                ("archived=yes", "archived", ["true or false"]),
                ("sort=newest", "sort", ["newest", "-created_at"]),
                ("limit=0", "limit", ["1 to 200"]),
                ("limit=201", "limit", ["1 to 200"]),
                ("limit=-1", "limit", ["1 to 200"]),
                ("limit=ten", "limit", ["ten"]),
                ("cursor=not-a-cursor", "cursor", ["next link"]),
                ("colour=red", "colour", ["unknown query parameter"]),
                ("status=open&fromdate=2026-01-01", "fromdate", ["unknown"]),
                ("q=\(String(repeating: "a", count: 201))", "q", ["200"]),
            ]
            for (query, field, mentions) in cases {
                let response = try await api.get("/v1/tickets?" + query)
                #expect(response.status == 400, "?\(query): \(response.body)")
                #expect(response.isProblem, "?\(query): \(response.body)")
                #expect(response.errorFields == [field], "?\(query): \(response.body)")
                for text in mentions {
                    #expect(response.detail.contains(text), "?\(query): detail \(response.detail)")
                    #expect(response.fieldDetail(field)?.contains(text) == true, "?\(query): \(response.body)")
                }
            }
            // Every bad parameter is named at once.
            let several = try await api.get("/v1/tickets?status=done&limit=0&toDate=2026-02-30&x=1")
            #expect(several.status == 400)
            #expect(Set(several.errorFields) == ["status", "limit", "toDate", "x"], "\(several.body)")
            #expect(several.detail.contains("4"))

            for query in [
                "from_date=2028-02-29", "limit=1", "limit=200", "sort=-priority&limit=5", "q=", "status=open",
            ] {
                #expect(try await api.get("/v1/tickets?" + query).status == 200, "?\(query)")
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func everySortPagesThroughEachTicketOnce(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { _, api in
            let customer = try await CRMFixtures.customer(api)
            let priorities = ["low", "normal", "high", "urgent"]
            var created: [String] = []
            var rank: [String: Int] = [:]
            for index in 0..<13 {
                // Ties in priority on purpose: the id breaks them, across page boundaries too.
                let priority = priorities[(index * 7) % 3 + (index % 5 == 0 ? 1 : 0)]
                let id = try await CRMFixtures.ticketID(
                    api, customer: customer, subject: "Ticket \(index)",
                    ["priority": priority, "status": index.isMultiple(of: 2) ? "open" : "pending"])
                created.append(id)
                rank[id] = priorities.firstIndex(of: priority)
            }
            // A ticket that matches no filter below must not appear.
            _ = try await CRMFixtures.ticketID(api, customer: customer, subject: "Solved", ["status": "solved"])
            // Touch tickets in a scrambled order, so updated_at orders them differently.
            var updated = created
            for offset in [3, 11, 0, 7] {
                let id = created[offset]
                let patched = try await api.patch(
                    "/v1/tickets/\(id)", ["tags": ["touched"]], headers: [("If-Match", "*")])
                try #require(patched.status == 200, "\(patched.body)")
                updated.removeAll { $0 == id }
                updated.append(id)
            }
            let byPriority = created.sorted { (rank[$0]!, $0) < (rank[$1]!, $1) }
            let expected: [(String, [String])] = [
                ("created_at", created),
                ("-created_at", created.reversed()),
                ("updated_at", updated),
                ("-updated_at", updated.reversed()),
                ("priority", byPriority),
                ("-priority", byPriority.reversed()),
            ]
            for (sort, order) in expected {
                var seen: [String] = []
                var target: String? = "/v1/tickets?status=open,pending&customer=\(customer)&sort=\(sort)&limit=4"
                var pages = 0
                while let path = target {
                    let page = try await api.get(path)
                    try #require(page.status == 200, "\(path): \(page.body)")
                    #expect(page.items.count == (page.next == nil ? 1 : 4), "\(path)")
                    seen += page.items.compactMap { $0["id"] as? String }
                    if let next = page.next {
                        #expect(page[header: "link"] == "<\(next)>; rel=\"next\"", "\(path)")
                        #expect(next.hasPrefix("/v1/tickets?"))
                        #expect(
                            next.contains("sort=\(sort)") && next.contains("limit=4"), "filters carry over: \(next)")
                        #expect(next.contains("status=open,pending") && next.contains("customer=\(customer)"))
                    } else {
                        #expect(page[header: "link"] == nil)
                    }
                    target = page.next
                    pages += 1
                    try #require(pages <= 4, "sort=\(sort) does not end")
                }
                #expect(seen == order, "sort=\(sort)")
                #expect(Set(seen).count == 13, "sort=\(sort): each ticket exactly once")
                #expect(pages == 4)
            }

            // A cursor belongs to its sort.
            let first = try await api.get("/v1/tickets?sort=created_at&limit=2")
            let next = try #require(first.next)
            let cursor = try #require(next.split(separator: "&").first { $0.hasPrefix("cursor=") }?.dropFirst(7))
            for sort in ["-created_at", "priority", "updated_at"] {
                let crossed = try await api.get("/v1/tickets?sort=\(sort)&limit=2&cursor=\(cursor)")
                #expect(crossed.status == 400, "sort=\(sort)")
                #expect(crossed.errorFields == ["cursor"])
            }
            // The default sort is -created_at; a created_at cursor is not one of it.
            #expect(try await api.get("/v1/tickets?limit=2&cursor=\(cursor)").status == 400)
            #expect(try await api.get("/v1/tickets?sort=created_at&limit=2&cursor=\(cursor)").status == 200)
        }
    }
}
