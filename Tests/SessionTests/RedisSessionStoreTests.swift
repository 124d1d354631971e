import Core
import Foundation
import SwitchboardTestSupport
import Testing

@testable import Redis

/// What only the Redis store does: coalescing heartbeats into one round trip per window, learning
/// sessions opened elsewhere, the fenced reaper lock, and holding off reaping after a reconnect.
@Suite("Redis session store")
struct RedisSessionStoreTests {
    let t0 = Timestamp.now()

    /// `count` sessions created at t0, each beaten once at t0 + 3 s and flushed as one window: the
    /// sessions, the beat's time, and the Redis commands the window cost.
    private func beatOnce(_ count: Int, _ store: RedisSessionStore, _ server: RedisTestServer) async throws
        -> (sessions: [Session], at: Timestamp, stats: [String: Int])
    {
        let sessions = try await createSessions(count, in: store) { _ in self.t0 }
        try await store.flush()
        try await server.resetStats()
        let at = self.t0.adding(.seconds(3))
        for session in sessions {
            #expect(try await store.heartbeat(id: session.id, at: at) == .accepted)
        }
        try await store.flush()
        return (sessions, at, try await server.commandStats())
    }

    @Test("A thousand heartbeats in one window are one command")
    func coalescing() async throws {
        try await withSessionStores(.redis) { stores, server in
            let store = try #require(stores[0] as? RedisSessionStore)
            let (sessions, at, stats) = try await self.beatOnce(1000, store, try #require(server))
            // One ZADD carried all of them: no hash is read or written, and a beat 3 s after the
            // session opened refreshes no TTL.
            #expect(stats["zadd"] == 1 && stats["eval"] == nil)
            #expect(stats["hmget"] == nil && stats["hget"] == nil && stats["hset"] == nil && stats["zmscore"] == nil)
            #expect(stats["pexpire"] == nil && stats["zscore"] == nil)
            #expect(stats["multi"] == nil && stats["hgetall"] == nil && stats["evalsha"] == nil)
            for session in sessions.prefix(20) {
                #expect(try await store.session(id: session.id)?.lastHeartbeatAt == at)
            }
        }
    }

    @Test("A batch bigger than one command's share is several commands in one write")
    func bigBatchIsChunked() async throws {
        let server = try await RedisTestServer.launch()
        defer { Task { await server.remove() } }
        try await withRedisSessionStores(url: server.url, instances: 1, beatsPerCommand: 10) { stores in
            let (sessions, at, stats) = try await self.beatOnce(25, stores[0], server)
            #expect(stats["zadd"] == 3)
            for session in sessions {
                #expect(try await stores[0].session(id: session.id)?.lastHeartbeatAt == at)
            }
        }
    }

    @Test("A flush waits for the write in flight, so the reaper after it sees every beat accepted before")
    func flushWaitsForTheWriteInFlight() async throws {
        try await withSessionStores(.redis) { stores, server in
            let store = try #require(stores[0] as? RedisSessionStore)
            let server = try #require(server)
            let session = makeSession(at: self.t0)
            try await store.create(session)
            // Redis hangs, so whichever flush takes the beat (the store's own window or ours) stays
            // in flight; a flush that finds the batch empty must still wait for it.
            try server.freeze()
            #expect(store.acceptKnownHeartbeat(id: session.id, at: self.t0.adding(.seconds(3))))
            let first = Task { try await store.flush() }
            try await Task.sleep(for: .milliseconds(100))
            let second = Task {
                try await store.flush()
                return ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(300))
            let thawed = ContinuousClock.now
            try server.thaw()
            try await first.value
            #expect(try await second.value >= thawed)
            #expect(try await store.session(id: session.id)?.lastHeartbeatAt == self.t0.adding(.seconds(3)))
        }
    }

    @Test("Heartbeats refresh a session key's hour-long TTL, at most once a minute")
    func ttlRefresh() async throws {
        try await withSessionStores(.redis) { stores, server in
            let store = try #require(stores[0] as? RedisSessionStore)
            let url = try #require(server).url
            let session = makeSession(at: self.t0)
            try await store.create(session)
            let keys = try await redisCommands(url, [["KEYS", "*session:\(session.id)"]])
            let key = try #require(keys.first?.array?.first?.string)
            func ttl() async throws -> Int64 {
                try #require(try await redisCommands(url, [["PTTL", key]]).first?.integer)
            }
            func beat(after seconds: Int64) async throws {
                #expect(try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(seconds))) == .accepted)
                try await store.flush()
            }
            let hour: Int64 = 3_600_000
            #expect(try await ttl() > hour - 10_000)
            try await beat(after: 10)
            #expect(try await ttl() > hour - 10_000)
            // Shortened by hand: a beat within the minute leaves it, one a minute after the last
            // refresh restores the hour.
            _ = try await redisCommands(url, [["PEXPIRE", key, "100000"]])
            try await beat(after: 40)
            #expect(try await ttl() <= 100_000)
            try await beat(after: 71)
            #expect(try await ttl() > hour - 10_000)
            #expect(try await store.session(id: session.id)?.lastHeartbeatAt == self.t0.adding(.seconds(71)))
        }
    }

    @Test("Beats move only the reaper's index; every read, change and expiry reports the last one")
    func lastHeartbeatComesFromTheIndex() async throws {
        try await withSessionStores(.redis) { stores, server in
            let store = try #require(stores[0] as? RedisSessionStore)
            let url = try #require(server).url
            let sessions = try await createSessions(3, in: store) { _ in self.t0 }
            let beat = self.t0.adding(.seconds(4))
            for session in sessions { #expect(try await store.heartbeat(id: session.id, at: beat) == .accepted) }
            try await store.flush()
            let keys = try await redisCommands(url, [["KEYS", "*session:\(sessions[0].id)"]])
            let key = try #require(keys.first?.array?.first?.string)
            // The hash still says the session's start: the beat is the index's score alone.
            let stored = try await redisCommands(url, [["HGET", key, "last"]]).first?.string
            #expect(stored == String(self.t0.microseconds))
            #expect(try await store.session(id: sessions[0].id)?.lastHeartbeatAt == beat)
            let listed = try await store.sessions(agentID: "agt_1", state: nil, limit: 10)
            #expect(listed.count == 3 && listed.allSatisfy { $0.lastHeartbeatAt == beat })
            #expect(
                try await store.sessions(ofAgents: ["agt_1"])["agt_1"]?.map(\.lastHeartbeatAt) == [beat, beat, beat])
            guard case .changed(let away) = try await store.setPresence(.away, id: sessions[0].id, at: beat) else {
                Issue.record("presence was not set")
                return
            }
            #expect(away.lastHeartbeatAt == beat)
            guard case .changed(let ended) = try await store.end(id: sessions[1].id, at: beat.adding(.seconds(2)))
            else {
                Issue.record("the session did not end")
                return
            }
            #expect(ended.lastHeartbeatAt == beat)
            // What stays behind once it is over, in the hash alone, is up to date too.
            #expect(try await store.session(id: sessions[1].id)?.lastHeartbeatAt == beat)
            let expired = try await store.expireSilent(at: beat.adding(.seconds(11)))
            #expect(Set(expired.map(\.id)) == [sessions[0].id, sessions[2].id])
            #expect(expired.allSatisfy { $0.lastHeartbeatAt == beat && $0.activeMicroseconds == 4_000_000 })
            #expect(try await store.session(id: sessions[2].id)?.lastHeartbeatAt == beat)
        }
    }

    @Test("A session whose key vanished while it looked alive is refused at its next TTL refresh")
    func vanishedKey() async throws {
        try await withSessionStores(.redis) { stores, server in
            let store = try #require(stores[0] as? RedisSessionStore)
            let url = try #require(server).url
            let session = makeSession(at: self.t0)
            try await store.create(session)
            let keys = try await redisCommands(url, [["KEYS", "*session:\(session.id)"]])
            _ = try await redisCommands(url, [["DEL", try #require(keys.first?.array?.first?.string)]])
            // Within the refresh interval nothing looks at the hash...
            #expect(try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(5))) == .accepted)
            try await store.flush()
            // ...the beat that refreshes its TTL finds it gone, and the instance forgets the session.
            #expect(try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(65))) == .accepted)
            try await store.flush()
            #expect(try await store.heartbeat(id: session.id, at: self.t0.adding(.seconds(70))) == .notFound)
            #expect(try await store.expireSilent(at: self.t0.adding(.seconds(90))) == [])
        }
    }

    @Test("Heartbeats arriving for a second reach Redis in at most one call per window")
    func roundTripsPerWindow() async throws {
        try await withSessionStores(.redis) { stores, server in
            let store = try #require(stores[0] as? RedisSessionStore)
            let server = try #require(server)
            let sessions = try await createSessions(500, in: store) { _ in .now() }
            try await server.resetStats()
            let started = ContinuousClock.now
            // 500 sessions heartbeating every 100 ms for a second: 5,000 heartbeats.
            while ContinuousClock.now - started < .seconds(1) {
                for session in sessions { _ = try await store.heartbeat(id: session.id, at: .now()) }
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = ContinuousClock.now - started
            let stats = try await server.commandStats()
            // One write per 250 ms window, plus one for a window the second straddles.
            let windows = Int((elapsed / .milliseconds(250)).rounded(.up)) + 1
            #expect((stats["zadd"] ?? 0) <= windows)
            #expect((stats["zadd"] ?? 0) >= 2)
        }
    }

    @Test("A session opened on one instance is heartbeated on another, which then answers alone")
    func learnsRemoteSessions() async throws {
        try await withSessionStores(.redis, instances: 2) { stores, server in
            let server = try #require(server)
            let session = makeSession(at: self.t0)
            try await stores[0].create(session)
            try await server.resetStats()
            #expect(try await stores[1].heartbeat(id: session.id, at: self.t0.adding(.seconds(1))) == .accepted)
            #expect(try await server.commandStats()["zadd"] == 1)
            for second in 2...5 {
                #expect(
                    try await stores[1].heartbeat(id: session.id, at: self.t0.adding(.seconds(second))) == .accepted)
            }
            // The four later heartbeats were answered from memory.
            #expect(try await server.commandStats()["zadd"] == 1)
        }
    }

    @Test("An end on one instance reaches another's memory, whose next heartbeat is refused")
    func forgetsEndedSessions() async throws {
        try await withSessionStores(.redis, instances: 2) { stores, _ in
            let session = makeSession(at: self.t0)
            try await stores[0].create(session)
            #expect(try await stores[1].heartbeat(id: session.id, at: self.t0.adding(.seconds(1))) == .accepted)
            _ = try await stores[0].end(id: session.id, at: self.t0.adding(.seconds(2)))
            try await waitUntil("the other instance forgets the session") {
                try await stores[1].heartbeat(id: session.id, at: self.t0.adding(.seconds(3))) == .over(.ended)
            }
        }
    }

    @Test("A reaper whose lock was taken over is fenced out")
    func fencing() async throws {
        try await withSessionStores(.redis, instances: 2) { stores, server in
            let server = try #require(server)
            let first = makeSession(at: self.t0)
            try await stores[0].create(first)
            // Instance 0 takes the lock and reaps; instance 1 finds it busy.
            #expect(try await stores[0].expireSilent(at: self.t0.adding(.seconds(11))).map(\.id) == [first.id])
            let second = makeSession(at: self.t0)
            try await stores[0].create(second)
            #expect(try await stores[1].expireSilent(at: self.t0.adding(.seconds(11))) == [])
            // Instance 0 stalls past the lock's TTL (here: the lock is deleted); instance 1 takes over.
            let lockKey = try #require(
                try await redisCommands(server.url, [["KEYS", "*reaper:lock"]])[0].array?.first?.string)
            let firstFence = try await redisCommands(server.url, [["GET", lockKey], ["DEL", lockKey]])[0].string
            #expect(try await stores[1].expireSilent(at: self.t0.adding(.seconds(11))).map(\.id) == [second.id])
            let secondFence = try await redisCommands(server.url, [["GET", lockKey]])[0].string
            #expect(Int(secondFence ?? "") ?? 0 > Int(firstFence ?? "") ?? 0)
            // The stale holder's pass does nothing while the new token is in place.
            let third = makeSession(at: self.t0)
            try await stores[1].create(third)
            #expect(try await stores[0].expireSilent(at: self.t0.adding(.seconds(11))) == [])
            #expect(try await stores[1].expireSilent(at: self.t0.adding(.seconds(11))).map(\.id) == [third.id])
        }
    }

    @Test("After connecting, an instance waits out the hold-off before it reaps")
    func holdOff() async throws {
        // The store's client connected moments before the body runs; 3 s is far more than that.
        try await withSessionStores(.redis, holdOff: .seconds(3)) { stores, _ in
            let session = makeSession(at: self.t0)
            try await stores[0].create(session)
            #expect(try await stores[0].expireSilent(at: self.t0.adding(.seconds(20))) == [])
            try await Task.sleep(for: .seconds(3))
            #expect(try await stores[0].expireSilent(at: self.t0.adding(.seconds(20))).map(\.id) == [session.id])
        }
    }
}
