import Core
import Foundation
import REST
import SwitchboardTestSupport
import Synchronization
import Testing

/// What the CRM publishes on the event bus, on both backends: the right kinds in order, the new
/// version, the API's own JSON as data, and nothing for a refused change.
@Suite(.timeLimit(.minutes(1)))
struct TicketEventsTests {
    @Test(arguments: StorageBackend.allCases)
    func everyChangePublishesItsEvents(backend: StorageBackend) async throws {
        try await withCRMServer(backend) { running, api in
            try await TicketEventRecorder.recording(running.server.eventBus) { events in
                let customer = try await CRMFixtures.customer(api)
                let agent = try await CRMFixtures.agent(api)
                #expect(events.pending == 0, "customers and agents are not ticket events")

                let created = try await CRMFixtures.ticket(api, customer: customer)
                let id = try #require(created.string("id"))
                try await events.expect([(.created, 1)], ticket: id, data: created)

                let path = "/v1/tickets/\(id)"
                let updated = try await api.patch(path, ["status": "pending"], headers: [("If-Match", "\"1\"")])
                try await events.expect([(.updated, 2)], ticket: id, data: updated)

                let assigned = try await api.patch(path, ["assignee_id": agent], headers: [("If-Match", "\"2\"")])
                try await events.expect([(.assigned, 3)], ticket: id, data: assigned)

                let both = try await api.patch(
                    path, ["priority": "urgent", "assignee_id": NSNull()], headers: [("If-Match", "\"3\"")])
                try await events.expect([(.updated, 4), (.assigned, 4)], ticket: id, data: both)

                // Refused and empty changes publish nothing.
                let refusals = [
                    try await api.patch(path, ["status": "solved"], headers: [("If-Match", "\"1\"")]),
                    try await api.patch(path, ["status": "solved"]),
                    try await api.patch(
                        path, ["assignee_id": CRMFixtures.unknownID("agt")], headers: [("If-Match", "\"4\"")]),
                    try await api.patch(path, ["status": "done"], headers: [("If-Match", "\"4\"")]),
                    try await api.patch(path, ["priority": "urgent"], headers: [("If-Match", "\"4\"")]),
                    try await api.post("\(path)/messages", ["author_type": "agent", "body": "No author"]),
                    try await api.delete(path, headers: [("If-Match", "\"3\"")]),
                ]
                #expect(refusals.map(\.status) == [412, 428, 422, 400, 200, 422, 412])
                #expect(events.pending == 0, "a refused or empty change published an event")

                let message = try await api.post(
                    "\(path)/messages", ["author_type": "agent", "author_id": agent, "body": "On it"])
                #expect(message.status == 201)
                let messageEvent = try #require(try await events.take(1).first)
                #expect(messageEvent.kind == .messageCreated)
                #expect(messageEvent.ticketID == id)
                #expect(messageEvent.version == 5)
                let messageData = try Self.object(messageEvent.data)
                #expect(jsonEqual(try #require(messageData["message"] as? [String: Any]), message.object))
                #expect(messageData["ticket_id"] as? String == id)
                #expect((messageData["version"] as? NSNumber)?.intValue == 5)
                #expect(try await CRMFixtures.current(api, id).version == 5)

                let archived = try await api.delete(path)
                try await events.expect([(.archived, 6)], ticket: id, data: archived)
                #expect(try await api.delete(path).status == 200)
                #expect(events.pending == 0, "archiving again changes nothing")

                // A ticket created with an assignee is created, then assigned, both at version 1.
                let withAgent = try await CRMFixtures.ticket(api, customer: customer, ["assignee_id": agent])
                let second = try #require(withAgent.string("id"))
                try await events.expect([(.created, 1), (.assigned, 1)], ticket: second, data: withAgent)

                // The support intake: the ticket and its first message, which does not bump the version.
                let intake = try await api.post(
                    "/v1/support/requests",
                    ["channel": "chat", "name": "Cy", "email": "cy@example.com", "subject": "Hi", "message": "Hello"])
                #expect(intake.status == 201)
                let third = try #require(intake.string("id"))
                let intakeEvents = try await events.take(2)
                #expect(intakeEvents.map(\.kind) == [.created, .messageCreated])
                #expect(intakeEvents.map(\.version) == [1, 1])
                #expect(intakeEvents.allSatisfy { $0.ticketID == third })
                #expect(jsonEqual(try Self.object(intakeEvents[0].data), intake.object))

                // The actor is the key's id, never the key.
                let actors = Set(events.all.map(\.actor))
                #expect(actors.count == 1)
                #expect(!actors.contains(TestAPIKeys.admin) && !actors.contains(""))
                #expect(events.dropped == 0)
            }
        }
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
    }
}

/// Collects the ticket events a bus publishes while `body` runs, so a test can wait for the ones
/// a request should have made and check that no others came.
final class TicketEventRecorder: Sendable {
    private let state = Mutex<(events: [TicketEvent], taken: Int)>(([], 0))
    private let subscription: EventSubscription

    private init(subscription: EventSubscription) {
        self.subscription = subscription
    }

    static func recording<T: Sendable>(
        _ bus: any EventBus, _ body: @Sendable (TicketEventRecorder) async throws -> T
    ) async throws -> T {
        let recorder = TicketEventRecorder(subscription: bus.subscribe(bufferSize: 1024))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in recorder.subscription {
                    if case .ticket(let ticket) = event { recorder.state.withLock { $0.events.append(ticket) } }
                }
            }
            defer { group.cancelAll() }
            return try await body(recorder)
        }
    }

    /// Events received and not yet taken. Events are published before the response is sent, so
    /// after a response this is final up to the subscriber's hop.
    var pending: Int { self.state.withLock { $0.events.count - $0.taken } }
    var all: [TicketEvent] { self.state.withLock { $0.events } }
    var dropped: Int { self.subscription.dropped }

    /// The next `count` events, waiting up to two seconds for them.
    func take(_ count: Int) async throws -> [TicketEvent] {
        let deadline = ContinuousClock.now + .seconds(2)
        while true {
            let taken: [TicketEvent]? = self.state.withLock { state in
                guard state.events.count - state.taken >= count else { return nil }
                defer { state.taken += count }
                return Array(state.events[state.taken..<(state.taken + count)])
            }
            if let taken { return taken }
            try #require(ContinuousClock.now < deadline, "expected \(count) more events, have \(self.pending)")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Takes the next events and checks their kinds, versions, ticket and data (the API's JSON).
    func expect(
        _ expected: [(TicketEvent.Kind, Int64)], ticket: String, data response: APIResponse,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let events = try await self.take(expected.count)
        #expect(events.map(\.kind) == expected.map(\.0), sourceLocation: sourceLocation)
        #expect(events.map(\.version) == expected.map(\.1), sourceLocation: sourceLocation)
        for event in events {
            #expect(event.ticketID == ticket, sourceLocation: sourceLocation)
            #expect(
                event.version == Int64(response.version ?? -1), "the response's version", sourceLocation: sourceLocation
            )
            let data = try TicketEventsTests.object(event.data)
            #expect(
                jsonEqual(data, response.object), "data \(event.data) is the API's \(response.body)",
                sourceLocation: sourceLocation)
        }
        // Give a stray extra event the same hop to arrive before checking there is none.
        try await Task.sleep(for: .milliseconds(10))
        #expect(self.pending == 0, "more events than \(expected.map(\.0))", sourceLocation: sourceLocation)
    }
}
