import Core
import Foundation
import Redis
import SwitchboardTestSupport
import Testing

/// The rules every ``SessionStore`` keeps, run on the in-process store and on Redis alike. Time is
/// passed by hand: `t0` is "now" and the tests move it.
@Suite("Session store")
struct SessionStoreTests {
    let t0 = Timestamp.now()

    @Test("A new session reads back as it was stored", arguments: SessionBackend.allCases)
    func createAndRead(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let session = makeSession(agent: "agt_read", client: "softphone", at: self.t0, presence: .busy)
            try await store.create(session)
            #expect(try await store.session(id: session.id) == session)
            #expect(try await store.session(id: "ses_missing") == nil)
            #expect(try await store.sessions(agentID: "agt_read", state: nil, limit: 10) == [session])
            #expect(try await store.sessions(agentID: "agt_read", state: .ended, limit: 10) == [])
            #expect(
                try await store.sessions(ofAgents: ["agt_read", "agt_none"]) == ["agt_read": [session], "agt_none": []])
        }
    }

    @Test("Lists are newest first, filtered by state and cut at the limit", arguments: SessionBackend.allCases)
    func listing(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let made = try await createSessions(5, in: store, agent: { _ in "agt_list" }) {
                self.t0.adding(.seconds(Int64($0)))
            }
            _ = try await store.end(id: made[1].id, at: self.t0.adding(.seconds(6)))
            let all = try await store.sessions(agentID: "agt_list", state: nil, limit: 10)
            #expect(all.map(\.id) == made.reversed().map(\.id))
            let active = try await store.sessions(agentID: "agt_list", state: .active, limit: 2)
            #expect(active.map(\.id) == [made[4].id, made[3].id])
            let ended = try await store.sessions(agentID: nil, state: .ended, limit: 10)
            #expect(ended.map(\.id) == [made[1].id])
            let everyActive = try await store.sessions(agentID: nil, state: .active, limit: 100)
            #expect(Set(everyActive.map(\.id)) == Set([0, 2, 3, 4].map { made[$0].id }))
        }
    }

    @Test("Heartbeats keep a session alive; silence past the timeout expires it", arguments: SessionBackend.allCases)
    func heartbeatKeepsAlive(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let session = makeSession(at: self.t0)
            try await store.create(session)
            // A heartbeat every 5 s for a minute: never silent for 10 s.
            for second in stride(from: 5, through: 60, by: 5) {
                let now = self.t0.adding(.seconds(second))
                #expect(try await store.heartbeat(id: session.id, at: now) == .accepted)
                #expect(try await store.expireSilent(at: now.adding(.milliseconds(4900))) == [])
            }
            let last = self.t0.adding(.seconds(60))
            // 10 s and the coalescing window after the last heartbeat it is still alive...
            #expect(try await store.expireSilent(at: last.adding(.milliseconds(10_200))) == [])
            // ...and just past them it is dead.
            let found = last.adding(.milliseconds(10_300))
            let expired = try await store.expireSilent(at: found)
            #expect(expired.map(\.id) == [session.id])
            #expect(expired.first?.state == .expired)
            #expect(expired.first?.endedAt == found)
            #expect(expired.first?.lastHeartbeatAt == last)
            #expect(expired.first?.activeMicroseconds == 60_000_000)
            #expect(try await store.session(id: session.id)?.state == .expired)
            #expect(try await store.heartbeat(id: session.id, at: found) == .over(.expired))
            #expect(try await store.expireSilent(at: found.adding(.seconds(30))) == [])
        }
    }

    @Test("Of many sessions, exactly the silent ones expire, pass by pass", arguments: SessionBackend.allCases)
    func manySessions(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            // More than one of the in-process reaper's chunks (500) of expiries, created out of time
            // order. Fewer on Redis, whose reaper is one script, to spare the suite's busiest pass.
            let count = backend == .memory ? 1200 : 300
            let sessions = try await createSessions(count, in: store) {
                self.t0.adding(.milliseconds(Int64($0 % 7) * 100))
            }
            let beating = sessions.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
            for session in beating.reversed() {
                #expect(try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(8))) == .accepted)
            }
            let first = try await store.expireSilent(at: self.t0.adding(.seconds(12)))
            #expect(Set(first.map(\.id)) == Set(sessions.enumerated().filter { $0.offset % 3 == 0 }.map(\.element.id)))
            #expect(try await store.expireSilent(at: self.t0.adding(.seconds(13))) == [])
            let second = try await store.expireSilent(at: self.t0.adding(.seconds(19)))
            #expect(Set(second.map(\.id)) == Set(beating.map(\.id)))
            #expect(try await store.sessions(agentID: nil, state: .active, limit: 10) == [])
        }
    }

    @Test("A heartbeat older than the last one does not move the session back", arguments: SessionBackend.allCases)
    func lateHeartbeat(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let session = makeSession(at: self.t0)
            try await store.create(session)
            _ = try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(8)))
            _ = try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(3)))
            #expect(try await store.expireSilent(at: self.t0.adding(.seconds(18))) == [])
            #expect(try await store.session(id: session.id)?.lastHeartbeatAt == self.t0.adding(.seconds(8)))
        }
    }

    @Test("Unknown sessions are not found", arguments: SessionBackend.allCases)
    func unknown(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { (stores, _) async throws in
            let store = stores[0]
            #expect(try await store.heartbeat(id: "ses_nope", at: self.t0) == .notFound)
            #expect(try await store.end(id: "ses_nope", at: self.t0) == .notFound)
            #expect(try await store.setPresence(.busy, id: "ses_nope", at: self.t0) == .notFound)
        }
    }

    @Test("Ending a session is final and happens once", arguments: SessionBackend.allCases)
    func end(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let session = makeSession(at: self.t0)
            try await store.create(session)
            _ = try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(4)))
            let endedAt = self.t0.adding(.seconds(7))
            guard case .changed(let ended) = try await store.end(id: session.id, at: endedAt) else {
                Issue.record("the first end did not change the session")
                return
            }
            #expect(ended.state == .ended)
            #expect(ended.endedAt == endedAt)
            #expect(ended.activeMicroseconds == 7_000_000)
            #expect(try await store.end(id: session.id, at: endedAt.adding(.seconds(1))) == .over(ended))
            #expect(try await store.heartbeat(id: session.id, at: endedAt.adding(.seconds(1))) == .over(.ended))
            #expect(try await store.setPresence(.away, id: session.id, at: endedAt) == .over(ended))
            // An ended session is not expired later.
            #expect(try await store.expireSilent(at: endedAt.adding(.seconds(60))) == [])
        }
    }

    @Test("Ended and expired sessions are owed to the database until recorded", arguments: SessionBackend.allCases)
    func owedRows(backend: SessionBackend) async throws {
        try await withSessionStores(backend, instances: 2) { stores, _ in
            let ended = makeSession(agent: "agt_owed", at: self.t0)
            let silent = makeSession(agent: "agt_owed", at: self.t0)
            let active = makeSession(agent: "agt_owed", at: self.t0)
            for session in [ended, silent, active] { try await stores[0].create(session) }
            #expect(try await stores[1].unrecorded(endedBefore: self.t0.adding(.seconds(3600)), limit: 10) == [])

            let endedAt = self.t0.adding(.seconds(3))
            _ = try await stores[0].end(id: ended.id, at: endedAt)
            _ = try await stores[0].heartbeat(id: active.id, at: self.t0.adding(.seconds(8)))
            let expiredAt = self.t0.adding(.seconds(12))
            let expired = try await stores[0].expireSilent(at: expiredAt)
            #expect(expired.map(\.id) == [silent.id])

            // Another instance sees both, oldest end first, and only those over before the bound.
            let owed = try await stores[1].unrecorded(endedBefore: expiredAt.adding(.seconds(1)), limit: 10)
            #expect(owed.map(\.id) == [ended.id, silent.id])
            #expect(owed.map(\.state) == [.ended, .expired])
            #expect(try await stores[1].unrecorded(endedBefore: expiredAt, limit: 10).map(\.id) == [ended.id])
            #expect(
                try await stores[1].unrecorded(endedBefore: expiredAt.adding(.seconds(1)), limit: 1).map(\.id) == [
                    ended.id
                ])

            try await stores[1].recorded([ended.id, "ses_unknown"])
            #expect(
                try await stores[0].unrecorded(endedBefore: expiredAt.adding(.seconds(1)), limit: 10).map(\.id) == [
                    silent.id
                ])
            try await stores[0].recorded([silent.id])
            #expect(try await stores[1].unrecorded(endedBefore: expiredAt.adding(.seconds(1)), limit: 10) == [])
            // Recording twice changes nothing.
            try await stores[0].recorded([silent.id])
            #expect(try await stores[0].unrecorded(endedBefore: expiredAt.adding(.seconds(3600)), limit: 10) == [])
        }
    }

    @Test("A row still owed when its session is forgotten is no longer owed", arguments: SessionBackend.allCases)
    func owedRowForgotten(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let session = makeSession(at: self.t0)
            try await store.create(session)
            _ = try await store.end(id: session.id, at: self.t0)
            let later = self.t0.adding(testPolicy.ttl).adding(.seconds(1))
            #expect(try await store.unrecorded(endedBefore: later, limit: 10).map(\.id) == [session.id])
            // The TTL after its end: the reaper forgets it (in Redis, its hash's TTL runs out too).
            _ = try await store.expireSilent(at: later)
            #expect(try await store.unrecorded(endedBefore: later, limit: 10) == [])
        }
    }

    @Test("Presence is set on active sessions only", arguments: SessionBackend.allCases)
    func presence(backend: SessionBackend) async throws {
        try await withSessionStores(backend) { stores, _ in
            let store = stores[0]
            let session = makeSession(at: self.t0)
            try await store.create(session)
            let at = self.t0.adding(.seconds(2))
            guard case .changed(let away) = try await store.setPresence(.away, id: session.id, at: at) else {
                Issue.record("presence was not set")
                return
            }
            #expect(away.presence == .away)
            #expect(away.presenceChangedAt == at)
            #expect(try await store.session(id: session.id)?.presence == .away)
        }
    }

    @Test("Two instances racing to reap expire each session exactly once", arguments: SessionBackend.allCases)
    func exactlyOnce(backend: SessionBackend) async throws {
        try await withSessionStores(backend, instances: 2) { stores, _ in
            var ids: Set<String> = []
            for index in 0..<200 {
                let session = makeSession(agent: "agt_race\(index % 7)", at: self.t0)
                try await stores[index % 2].create(session)
                ids.insert(session.id)
            }
            let later = self.t0.adding(.seconds(11))
            let passes = try await withThrowingTaskGroup(of: [Session].self) { group in
                for pass in 0..<20 {
                    let store = stores[pass % 2]
                    group.addTask { try await store.expireSilent(at: later.adding(.milliseconds(pass))) }
                }
                return try await group.reduce(into: [Session]()) { $0 += $1 }
            }
            #expect(passes.count == 200)
            #expect(Set(passes.map(\.id)) == ids)
        }
    }

    @Test("Every instance hears of ends and expiries", arguments: SessionBackend.allCases)
    func endings(backend: SessionBackend) async throws {
        try await withSessionStores(backend, instances: 2) { stores, _ in
            let heard = stores.map { $0.endings(bufferSize: 16) }
            // Let the subscription reach Redis before anything is announced.
            try await Task.sleep(for: .milliseconds(backend == .redis ? 300 : 0))
            let ended = makeSession(at: self.t0)
            let silent = makeSession(at: self.t0)
            try await stores[0].create(ended)
            try await stores[0].create(silent)
            _ = try await stores[1].end(id: ended.id, at: self.t0.adding(.seconds(1)))
            _ = try await stores[1].expireSilent(at: self.t0.adding(.seconds(20)))
            for stream in heard {
                let ids = try await withTimeout("both endings heard") {
                    var ids: Set<String> = []
                    for await id in stream {
                        ids.insert(id)
                        if ids == [ended.id, silent.id] { break }
                    }
                    return ids
                }
                #expect(ids == [ended.id, silent.id])
            }
        }
    }
}
