import Redis
import SwitchboardTestSupport
import Testing

/// Publishes `probe` on `channel` until Redis says someone receives it, i.e. the subscription is
/// active: `subscribe(to:)` returns before Redis has confirmed it. A failed `PUBLISH` (the client
/// is still connecting) counts as not yet.
func waitUntilSubscribed(_ client: RedisClient, _ channel: String, receivers: Int64 = 1) async throws {
    try await eventually("a subscriber on \(channel)") {
        let published = try? await client.send(RedisCommand("PUBLISH", channel, "probe"))
        return published?.integer ?? 0 >= receivers
    }
}

/// The next message on `iterator` whose payload is not a probe.
func nextMessage(_ iterator: inout RedisSubscription.AsyncIterator) async -> RedisMessage? {
    while let message = await iterator.next() {
        if message.payloadString != "probe" { return message }
    }
    return nil
}

@Suite(.timeLimit(.minutes(1)))
struct RedisPubSubLiveTests {
    @Test func messagesPublishedOnSubscribedChannelsArrive() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                let subscription = client.subscribe(to: ["news", "alerts"])
                try await waitUntilSubscribed(client, "news")
                try await waitUntilSubscribed(client, "alerts")
                _ = try await client.send(RedisCommand("PUBLISH", "other", "not for us"))
                _ = try await client.send(RedisCommand("PUBLISH", "news", "first"))
                _ = try await client.send(RedisCommand(bytes: [Array("PUBLISH".utf8), Array("alerts".utf8), [0, 1]]))
                var iterator = subscription.makeAsyncIterator()
                #expect(await nextMessage(&iterator) == RedisMessage(channel: "news", payload: Array("first".utf8)))
                #expect(await nextMessage(&iterator) == RedisMessage(channel: "alerts", payload: [0, 1]))
                #expect(subscription.dropped == 0)
            }
        }
    }

    @Test func twoSubscribersOfOneChannelBothReceiveAndOneLeavingKeepsTheOther() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                let first = client.subscribe(to: ["shared"])
                let second = client.subscribe(to: ["shared"])
                try await waitUntilSubscribed(client, "shared")
                _ = try await client.send(RedisCommand("PUBLISH", "shared", "one"))
                var firstIterator = first.makeAsyncIterator()
                #expect(await nextMessage(&firstIterator)?.payloadString == "one")
                do {
                    var secondIterator = second.makeAsyncIterator()
                    #expect(await nextMessage(&secondIterator)?.payloadString == "one")
                }
                // The second iterator is gone: that subscriber left, the channel stays subscribed.
                _ = try await client.send(RedisCommand("PUBLISH", "shared", "two"))
                #expect(await nextMessage(&firstIterator)?.payloadString == "two")
                #expect(try await client.send(RedisCommand("PUBSUB", "NUMSUB", "shared")).array?.last == .integer(1))
            }
        }
    }

    @Test func endingTheIterationUnsubscribes() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                let subscription = client.subscribe(to: ["leaving"])
                try await waitUntilSubscribed(client, "leaving")
                for await message in subscription {
                    #expect(message.channel == "leaving")
                    break
                }
                try await eventually("Redis dropped the subscription") {
                    let numsub = try await client.send(RedisCommand("PUBSUB", "NUMSUB", "leaving"))
                    return numsub.array?.last == .integer(0)
                }
            }
        }
    }

    @Test func cancellingTheIteratingTaskUnsubscribes() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                let subscription = client.subscribe(to: ["cancelled"])
                let reader = Task {
                    var count = 0
                    for await _ in subscription { count += 1 }
                    return count
                }
                try await waitUntilSubscribed(client, "cancelled")
                reader.cancel()
                _ = await reader.value
                try await eventually("Redis dropped the subscription") {
                    let numsub = try await client.send(RedisCommand("PUBSUB", "NUMSUB", "cancelled"))
                    return numsub.array?.last == .integer(0)
                }
            }
        }
    }

    @Test func aFullBufferDropsTheOldestAndCountsThem() async throws {
        try await withRedisServer { server async throws in
            try await withRedisClient(try configuration(for: server)) { client, _ async throws in
                let subscription = client.subscribe(to: ["burst"], bufferSize: 2)
                // Exactly one probe is delivered: the first PUBLISH that reports a receiver.
                try await waitUntilSubscribed(client, "burst")
                _ = try await client.pipeline((1...10).map { RedisCommand("PUBLISH", "burst", "m\($0)") })
                try await eventually("the burst arrived") { subscription.dropped == 9 }
                var iterator = subscription.makeAsyncIterator()
                #expect(await iterator.next()?.payloadString == "m9")
                #expect(await iterator.next()?.payloadString == "m10")
            }
        }
    }

    @Test func subscriptionsEndWhenTheClientShutsDown() async throws {
        try await withRedisServer { server async throws in
            let client = RedisClient(configuration: try configuration(for: server), logger: testLogger())
            let running = Task { try await client.run() }
            let subscription = client.subscribe(to: ["ending"])
            try await waitUntilSubscribed(client, "ending")
            running.cancel()
            try await running.value
            var remaining: [RedisMessage] = []
            for await message in subscription { remaining.append(message) }
            #expect(remaining.allSatisfy { $0.payloadString == "probe" })
            var late = client.subscribe(to: ["ending"]).makeAsyncIterator()
            #expect(await late.next() == nil)
            await #expect(throws: RedisError.unavailable) { try await client.send(RedisCommand("PING")) }
        }
    }
}
