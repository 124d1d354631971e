import Core
import Foundation
import Storage
import SwitchboardTestSupport
import Synchronization
import Testing

@testable import REST

/// `/v1/sessions` over real HTTP, with sessions in memory and in Redis.
@Suite("Session routes")
struct SessionRoutesTests {
    @Test("Open, read, heartbeat, set presence, end: the whole life of a session", arguments: SessionBackend.allCases)
    func lifecycle(backend: SessionBackend) async throws {
        try await withSessionServer(backend) { running, api, _ in
            let agent = try await api.makeAgent()
            let created = try await api.openSession(agent: agent, client: "softphone")
            #expect(created.status == 201)
            let id = try #require(created.string("id"))
            #expect(id.hasPrefix("ses_"))
            #expect(created[header: "Location"] == "/v1/sessions/\(id)")
            #expect(created.string("state") == "active")
            #expect(created.string("agent_id") == agent)
            #expect(created.string("client") == "softphone")
            #expect(created.string("presence") == "available")
            #expect(created.int("heartbeat_interval") == 5)
            #expect(created.int("heartbeat_timeout") == 10)
            let token = try #require(created.string("token"))
            #expect(token.count == 43)
            let expires = try #require(created.string("expires_at").flatMap(Timestamp.init(rfc3339:)))
            let started = try #require(created.string("started_at").flatMap(Timestamp.init(rfc3339:)))
            #expect(expires.microseconds - started.microseconds == 10_000_000)

            let read = try await api.get("/v1/sessions/\(id)")
            #expect(read.status == 200)
            #expect(read.object["token"] == nil)
            #expect(read.string("state") == "active")

            #expect(try await api.heartbeat(id) == 204)
            let patched = try await api.patch("/v1/sessions/\(id)", ["presence": "busy"])
            #expect(patched.status == 200)
            #expect(patched.string("presence") == "busy")
            #expect(try await api.get("/v1/agents/\(agent)").string("presence") == "busy")
            let agents = try await api.get("/v1/agents")
            #expect(agents.items.first { $0["id"] as? String == agent }?["presence"] as? String == "busy")

            let listed = try await api.get("/v1/sessions?agent=\(agent)&state=active")
            #expect(listed.items.map { $0["id"] as? String } == [id])

            let ended = try await api.delete("/v1/sessions/\(id)")
            #expect(ended.status == 200)
            #expect(ended.string("state") == "ended")
            #expect(ended.string("end_reason") == "ended")
            #expect(ended.string("ended_at") != nil)
            #expect(try await api.heartbeat(id) == 410)
            #expect(try await api.patch("/v1/sessions/\(id)", ["presence": "away"]).status == 410)
            #expect(try await api.delete("/v1/sessions/\(id)").string("state") == "ended")
            #expect(try await api.get("/v1/sessions?agent=\(agent)&state=active").items.isEmpty)
            #expect(try await api.get("/v1/sessions?agent=\(agent)&state=ended").items.count == 1)

            let record = try await running.server.store.sessionRecord(id: id)
            #expect(record.endReason == .ended)
            #expect(record.agentID == agent)
            #expect(record.client == "softphone")
            #expect(record.activeSeconds >= 0 && record.activeSeconds < 30)
        }
    }

    @Test("Bad requests get problems that name the field", arguments: SessionBackend.allCases)
    func validation(backend: SessionBackend) async throws {
        try await withSessionServer(backend) { _, api, _ in
            let agent = try await api.makeAgent()
            let missing = try await api.post("/v1/sessions", ["client": "console"])
            #expect(missing.status == 400)
            #expect(missing.errorFields.contains("agent_id"))
            let malformed = try await api.post("/v1/sessions", ["agent_id": "bob", "client": "console"])
            #expect(malformed.status == 400)
            #expect(malformed.errorFields == ["agent_id"])
            let unknown = try await api.openSession(agent: "agt_01JF0000000000000000000000")
            #expect(unknown.status == 422)
            #expect(unknown.errorFields == ["agent_id"])
            let badClient = try await api.openSession(agent: agent, client: "Con sole")
            #expect(badClient.status == 400)
            #expect(badClient.errorFields == ["client"])
            let badPresence = try await api.openSession(agent: agent, presence: "asleep")
            #expect(badPresence.status == 400)
            #expect(badPresence.errorFields == ["presence"])
            let extra = try await api.post("/v1/sessions", ["agent_id": agent, "client": "console", "ttl": 5])
            #expect(extra.status == 400)
            #expect(extra.errorFields == ["ttl"])
            #expect(try await api.heartbeat("nope") == 404)
            #expect(try await api.heartbeat("ses_01JF0000000000000000000000") == 404)
            #expect(try await api.get("/v1/sessions/ses_01JF0000000000000000000000").status == 404)
            #expect(try await api.delete("/v1/sessions/ses_01JF0000000000000000000000").status == 404)
            #expect(try await api.get("/v1/sessions?state=sleeping").status == 400)
            #expect(try await api.get("/v1/sessions?limit=0").status == 400)
            #expect(try await api.with(key: nil).openSession(agent: agent).status == 401)
            let patch = try await api.patch("/v1/sessions/ses_01JF0000000000000000000000", ["presence": 3])
            #expect(patch.status == 400)
            let inactive = try await api.makeAgent("Gone")
            #expect(try await api.patch("/v1/agents/\(inactive)", ["active": false]).status == 200)
            #expect(try await api.openSession(agent: inactive).status == 422)
        }
    }

    @Test("Presence follows the agent's sessions, and a reload does not flap it", arguments: SessionBackend.allCases)
    func presenceEvents(backend: SessionBackend) async throws {
        // A 2 s grace: with 1 s, pass 1's load once delayed the reload's open past it (an
        // `away>offline` flap that the server rightly announced).
        try await withSessionServer(backend, configure: { $0.sessionPolicy.presenceGrace = .seconds(2) }) {
            running, api, _ in
            let log = PresenceLog(running.server.eventBus)
            let agent = try await api.makeAgent()
            #expect(try await api.get("/v1/agents/\(agent)").string("presence") == "offline")
            let console = try #require(try await api.openSession(agent: agent).string("id"))
            #expect(try await api.patch("/v1/sessions/\(console)", ["presence": "away"]).status == 200)
            let phone = try #require(try await api.openSession(agent: agent, client: "softphone").string("id"))
            #expect(try await api.delete("/v1/sessions/\(phone)").status == 200)
            try await waitUntil("four presence events") { log.of(agent).count >= 4 }
            #expect(
                log.of(agent).map { "\($0.previous.rawValue)>\($0.presence.rawValue)" } == [
                    "offline>available", "available>away", "away>available", "available>away",
                ])

            // A console reload: its session ends and a new one opens within the grace period.
            #expect(try await api.delete("/v1/sessions/\(console)").status == 200)
            #expect(try await api.get("/v1/agents/\(agent)").string("presence") == "away")
            let reloaded = try #require(try await api.openSession(agent: agent, presence: "away").string("id"))
            // Past the grace and a reaper pass: no offline event came.
            try await Task.sleep(for: .milliseconds(3500))
            #expect(log.of(agent).count == 4)

            // Leaving for good: offline once the grace period is over, announced once.
            #expect(try await api.delete("/v1/sessions/\(reloaded)").status == 200)
            try await waitUntil("offline") { log.of(agent).count == 5 }
            #expect(log.of(agent).last?.presence == .offline)
            #expect(log.of(agent).last?.previous == .away)
            #expect(try await api.get("/v1/agents/\(agent)").string("presence") == "offline")
            try await Task.sleep(for: .milliseconds(1500))
            #expect(log.of(agent).count == 5)
        }
    }

    @Test(
        "A silent session expires: offline event, database row, connections closed", arguments: SessionBackend.allCases)
    func expiry(backend: SessionBackend) async throws {
        try await withSessionServer(
            backend,
            configure: {
                // 250 ms beats against a 2 s timeout: a loaded CI machine may delay one beat by
                // over a second without expiring the session by accident.
                $0.sessionPolicy.heartbeatInterval = .milliseconds(250)
                $0.sessionPolicy.heartbeatTimeout = .seconds(2)
                $0.sessionPolicy.coalescingWindow = .milliseconds(50)
            }
        ) { running, api, _ in
            let log = PresenceLog(running.server.eventBus)
            let agent = try await api.makeAgent()
            let created = try await api.openSession(agent: agent)
            let id = try #require(created.string("id"))
            #expect(created.int("heartbeat_timeout") == 2)
            let closed = Mutex(false)
            _ = running.server.sessionConnections.register(sessionID: id) { closed.withLock { $0 = true } }
            // Heartbeating for 4 s, twice the timeout, keeps it alive.
            let start = ContinuousClock.now
            var lastHeartbeat = Timestamp.now()
            while ContinuousClock.now - start < .seconds(4) {
                try await Task.sleep(for: .milliseconds(250))
                let status = try await api.heartbeat(id)
                #expect(
                    status == 204, "\(Timestamp.now().microseconds - lastHeartbeat.microseconds) µs after the last beat"
                )
                lastHeartbeat = Timestamp.now()
            }
            #expect(try await api.get("/v1/sessions/\(id)").string("state") == "active")
            try await waitUntil("expired", timeout: .seconds(8)) {
                try await api.get("/v1/sessions/\(id)").string("state") == "expired"
            }
            let silence = Timestamp.now().microseconds - lastHeartbeat.microseconds
            #expect(silence >= 2_000_000)
            try await waitUntil("offline event") { log.of(agent).last?.presence == .offline }
            #expect(log.of(agent).filter { $0.presence == .offline }.count == 1)
            try await waitUntil("connection closed") { closed.withLock { $0 } }
            #expect(try await api.heartbeat(id) == 410)
            let record = try await running.server.store.sessionRecord(id: id)
            #expect(record.endReason == .expired)
            #expect(record.activeSeconds >= 3.9 && record.activeSeconds < 7)
            #expect(try await api.get("/v1/agents/\(agent)").string("presence") == "offline")
        }
    }

    @Test(
        "A session whose ender never wrote its row (the instance died) is recorded by the reaper",
        arguments: SessionBackend.allCases)
    func owedRowWrittenByTheReaper(backend: SessionBackend) async throws {
        try await withSessionServer(backend) { running, api, _ in
            let agent = try await api.makeAgent()
            let orphan = try #require(try await api.openSession(agent: agent).string("id"))
            let ended = try #require(try await api.openSession(agent: agent).string("id"))
            // Ended through the API: the row is written at once and nothing is owed.
            #expect(try await api.delete("/v1/sessions/\(ended)").status == 200)
            #expect(try await running.server.store.sessionRecord(id: ended).endReason == .ended)
            let store = running.server.sessionStore
            #expect(try await store.unrecorded(endedBefore: .now().adding(.seconds(60)), limit: 10) == [])

            // Ended in the store alone, as by an instance that died before its database write.
            let endedAt = Timestamp.now()
            guard case .changed = try await store.end(id: orphan, at: endedAt) else {
                Issue.record("the store did not end the session")
                return
            }
            #expect(
                try await store.unrecorded(endedBefore: endedAt.adding(.seconds(1)), limit: 10).map(\.id) == [orphan])
            try await waitUntil("the reaper writes the row", timeout: .seconds(15)) {
                (try? await running.server.store.sessionRecord(id: orphan)) != nil
            }
            let record = try await running.server.store.sessionRecord(id: orphan)
            #expect(record.endReason == .ended)
            #expect(record.endedAt == endedAt)
            // Left to the ender for the hand-over time first.
            #expect(Timestamp.now().microseconds - endedAt.microseconds >= 5_000_000)
            try await waitUntil("no longer owed") {
                try await store.unrecorded(endedBefore: .now(), limit: 10).isEmpty
            }
        }
    }

    @Test("The token opens its own active session only", arguments: SessionBackend.allCases)
    func tokens(backend: SessionBackend) async throws {
        try await withSessionServer(backend) { running, api, _ in
            let agent = try await api.makeAgent()
            let first = try await api.openSession(agent: agent)
            let second = try await api.openSession(agent: agent)
            let id = try #require(first.string("id"))
            let token = try #require(first.string("token"))
            let otherToken = try #require(second.string("token"))
            let sessions = running.server.sessions
            #expect(try await sessions.authenticate(id: id, token: token)?.id == id)
            #expect(try await sessions.authenticate(id: id, token: otherToken) == nil)
            #expect(try await sessions.authenticate(id: id, token: "") == nil)
            #expect(try await sessions.authenticate(id: "ses_01JF0000000000000000000000", token: token) == nil)
            #expect(try await api.delete("/v1/sessions/\(id)").status == 200)
            #expect(try await sessions.authenticate(id: id, token: token) == nil)
            // The store keeps a hash, never the token.
            let stored = try #require(try await running.server.sessionStore.session(id: id))
            #expect(stored.tokenHash != token && stored.tokenHash.count == 40)
        }
    }
}
