import NIOCore
import Redis
import SwitchboardTestSupport
import Testing

/// A redis-server that crashes or hangs under a running client: callers never wait past the
/// command timeout (and not at all while no connection is up), no event loop stalls, and the
/// client recovers by itself, subscriptions included.
///
/// Serialized so that the timing bounds are not measured while the other fault test loads the machine.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct RedisFaultTests {
    @Test func aKilledServerFailsCommandsFastAndTheClientRecoversWithItsSubscriptions() async throws {
        try await withRedisServer { server async throws in
            let configuration = try configuration(for: server) { $0.reconnectMaximumDelay = .milliseconds(500) }
            try await withRedisClient(configuration) { client, group async throws in
                _ = try await client.send(RedisCommand("SET", "durable", "kept"))
                let subscription = client.subscribe(to: ["events"])
                try await waitUntilSubscribed(client, "events")
                let probe = EventLoopStallProbe(group)
                defer { probe.stop() }

                try await server.kill()
                try await eventually("the client noticed") { client.connectedSince == nil }
                // A few seconds down, with commands coming in all along.
                let downUntil = ContinuousClock.now + .seconds(3)
                var failures = 0
                while ContinuousClock.now < downUntil {
                    let (error, elapsed) = await timedSend(client)
                    #expect(error?.isUnavailable == true)
                    #expect(error?.kind == .unavailable)
                    #expect(elapsed < failsFast, "a command while Redis is down took \(elapsed)")
                    failures += 1
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(failures > 20)

                try await server.restart()
                try await eventually("the client reconnected by itself") { client.connectedSince != nil }
                #expect(try await client.send(RedisCommand("GET", "durable")).string == "kept")
                // The subscription made before the crash is restored: a message published now arrives.
                try await waitUntilSubscribed(client, "events")
                _ = try await client.send(RedisCommand("PUBLISH", "events", "after-restart"))
                var iterator = subscription.makeAsyncIterator()
                #expect(await nextMessage(&iterator)?.payloadString == "after-restart")
                #expect(
                    probe.maximumLateness < .milliseconds(100), "an event loop stalled for \(probe.maximumLateness)")
            }
        }
    }

    @Test func aFrozenServerTimesCommandsOutAndTheClientRecoversAfterTheThaw() async throws {
        try await withRedisServer { server async throws in
            let configuration = try configuration(for: server) { $0.reconnectMaximumDelay = .milliseconds(500) }
            try await withRedisClient(configuration) { client, group async throws in
                _ = try await client.send(RedisCommand("PING"))
                let subscription = client.subscribe(to: ["frozen"])
                try await waitUntilSubscribed(client, "frozen")
                let probe = EventLoopStallProbe(group)
                defer { probe.stop() }

                try server.freeze()
                let (timeout, elapsed) = await timedSend(client)
                #expect(timeout?.kind == .timeout)
                #expect(timeout?.isUnavailable == true)
                #expect(elapsed >= .milliseconds(900) && elapsed < .milliseconds(1500), "took \(elapsed)")
                // While frozen, every command fails, none later than the command timeout.
                let frozenUntil = ContinuousClock.now + .seconds(3)
                while ContinuousClock.now < frozenUntil {
                    let (error, elapsed) = await timedSend(client)
                    #expect(error?.isUnavailable == true)
                    #expect(elapsed < .milliseconds(1500), "a command while Redis is frozen took \(elapsed)")
                    try await Task.sleep(for: .milliseconds(50))
                }

                try server.thaw()
                try await eventually("the client answers again") {
                    (try? await client.send(RedisCommand("PING"))) == .status("PONG")
                }
                try await waitUntilSubscribed(client, "frozen")
                _ = try await client.send(RedisCommand("PUBLISH", "frozen", "after-thaw"))
                var iterator = subscription.makeAsyncIterator()
                #expect(await nextMessage(&iterator)?.payloadString == "after-thaw")
                #expect(
                    probe.maximumLateness < .milliseconds(100), "an event loop stalled for \(probe.maximumLateness)")
            }
        }
    }

    @Test func aPubSubConnectionToAFrozenServerIsReplacedAfterThePingTimesOut() async throws {
        try await withRedisServer { server async throws in
            let configuration = try configuration(for: server) { $0.pubSubPingInterval = .milliseconds(300) }
            try await withRedisClient(configuration) { client, _ async throws in
                let subscription = client.subscribe(to: ["watched"])
                try await waitUntilSubscribed(client, "watched")
                let before = try await pubSubClientIDs(client)
                #expect(before.count == 1)
                try server.freeze()
                // The pub/sub ping goes unanswered for the command timeout; the connection is dropped.
                try await Task.sleep(for: .milliseconds(1800))
                try server.thaw()
                // Until Redis has noticed the old connection is gone, a PUBLISH still counts it as a
                // receiver, so wait for the replacement before trusting the probe.
                try await eventually("the pub/sub connection replaced") {
                    let ids = (try? await pubSubClientIDs(client)) ?? []
                    return ids.count == 1 && ids != before
                }
                try await waitUntilSubscribed(client, "watched")
                _ = try await client.send(RedisCommand("PUBLISH", "watched", "again"))
                var iterator = subscription.makeAsyncIterator()
                #expect(await nextMessage(&iterator)?.payloadString == "again")
                let after = try await pubSubClientIDs(client)
                #expect(after.count == 1)
                #expect(after != before, "the pub/sub connection was replaced")
            }
        }
    }
}

/// The ids of the server's pub/sub connections, from `CLIENT LIST TYPE pubsub`.
private func pubSubClientIDs(_ client: RedisClient) async throws -> Set<Substring> {
    let list = try await client.send(RedisCommand("CLIENT", "LIST", "TYPE", "pubsub")).string ?? ""
    return Set(list.split(separator: "\n").compactMap { $0.split(separator: " ").first })
}
