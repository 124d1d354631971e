import Core
import Foundation
import REST
import Storage
import SwitchboardTestSupport
import Testing

/// Two server instances sharing Redis, on the production timing (5 s heartbeats, 10 s timeout).
@Suite("Sessions across instances")
struct SessionClusterTests {
    @Test("Heartbeats through either instance keep a session alive; 10 s of silence expires it exactly once")
    func expiresOnceAcrossInstances() async throws {
        let redis = try await RedisTestServer.launch()
        defer { Task { await redis.remove() } }
        try await withTwoInstances(redis: redis) { servers, apis in
            let logs = servers.map { PresenceLog($0.server.eventBus) }
            let keeper = try await apis[0].makeAgent("Keeper")
            let leaver = try await apis[0].makeAgent("Leaver")
            let kept = try #require(try await apis[0].openSession(agent: keeper).string("id"))
            let left = try #require(try await apis[1].openSession(agent: leaver).string("id"))
            // 15 s of heartbeats every 5 s (alternating instances) for one; silence for the other.
            for round in 1...3 {
                try await Task.sleep(for: .seconds(5))
                #expect(try await apis[round % 2].heartbeat(kept) == 204)
            }
            for api in apis {
                #expect(try await api.get("/v1/sessions/\(kept)").string("state") == "active")
                #expect(try await api.get("/v1/sessions/\(left)").string("state") == "expired")
            }
            let lastHeartbeat = ContinuousClock.now
            try await waitUntil("the kept session expires", timeout: .seconds(15)) {
                try await apis[1].get("/v1/sessions/\(kept)").string("state") == "expired"
            }
            #expect(ContinuousClock.now - lastHeartbeat >= .seconds(10))

            // One offline event per agent, from whichever instance reaped, and one row each.
            try await Task.sleep(for: .seconds(2))
            for agent in [keeper, leaver] {
                let offline = logs.flatMap { $0.of(agent) }.filter { $0.presence == .offline }
                #expect(offline.count == 1, "offline events for \(agent): \(offline)")
            }
            for id in [kept, left] {
                let record = try await servers[0].server.store.sessionRecord(id: id)
                #expect(record.endReason == .expired)
            }
            let keptRecord = try await servers[0].server.store.sessionRecord(id: kept)
            #expect(keptRecord.activeSeconds >= 14 && keptRecord.activeSeconds < 17)
            #expect(try await servers[1].server.store.sessionRecord(id: left).activeSeconds < 1)
        }
    }
}
