import Core
import Foundation
import NIOCore
import NIOPosix
import REST
import SwitchboardTestSupport
import Testing

/// Redis dying or hanging under heartbeat load: heartbeats of known sessions are still answered,
/// nothing stalls, and when Redis is back the sessions that kept heartbeating are alive and those
/// that stopped expire.
@Suite("Sessions when Redis fails")
struct SessionFaultTests {
    enum Fault: String, CaseIterable, CustomStringConvertible {
        case killed, frozen
        var description: String { self.rawValue }
    }

    @Test("Redis killed (kill -9) or frozen (SIGSTOP) for 10 s under heartbeat load", arguments: Fault.allCases)
    func outage(fault: Fault) async throws {
        try await withSessionServer(.redis) { running, api, redis in
            let redis = try #require(redis)
            let agent = try await api.makeAgent()
            var keepers: [String] = []
            var stoppers: [String] = []
            for index in 0..<40 {
                let id = try #require(try await api.openSession(agent: agent).string("id"))
                if index % 2 == 0 { keepers.append(id) } else { stoppers.append(id) }
            }
            let probe = EventLoopStallProbe(MultiThreadedEventLoopGroup.singleton)
            defer { probe.stop() }
            switch fault {
            case .killed: try await redis.kill()
            case .frozen: try redis.freeze()
            }
            // 10 s of outage, the keepers heartbeating every 2 s: answered from memory.
            let outage = ContinuousClock.now
            var refused: [Int] = []
            while ContinuousClock.now - outage < .seconds(10) {
                for id in keepers {
                    let status = try await api.heartbeat(id)
                    if status != 204 { refused.append(status) }
                }
                // What needs Redis fails fast with 503 rather than hanging.
                let asked = ContinuousClock.now
                #expect(try await api.get("/v1/sessions/\(keepers[0])").status == 503)
                #expect(ContinuousClock.now - asked < .milliseconds(1800))
                try await Task.sleep(for: .seconds(2))
            }
            #expect(refused == [])
            switch fault {
            case .killed: try await redis.restart()
            case .frozen: try redis.thaw()
            }
            // Back: the keepers' held heartbeats land, and after the hold-off the stoppers expire.
            let back = ContinuousClock.now
            let keepersDone = keepers
            let stoppersDone = stoppers
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    while ContinuousClock.now - back < .seconds(16) {
                        for id in keepersDone { _ = try await api.heartbeat(id) }
                        try await Task.sleep(for: .seconds(2))
                    }
                }
                try await waitUntil("the stoppers expire", timeout: .seconds(16)) {
                    try await api.get("/v1/sessions?agent=\(agent)&state=expired&limit=200").items.count
                        == stoppersDone.count
                }
            }
            let expired = try await api.get("/v1/sessions?agent=\(agent)&state=expired&limit=200").items
            #expect(Set(expired.compactMap { $0["id"] as? String }) == Set(stoppers))
            let active = try await api.get("/v1/sessions?agent=\(agent)&state=active&limit=200").items
            #expect(Set(active.compactMap { $0["id"] as? String }) == Set(keepers))
            #expect(probe.maximumLateness < .milliseconds(100), "event loop stalled \(probe.maximumLateness)")
            _ = running
        }
    }
}
