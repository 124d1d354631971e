import Testing

@testable import Redis

private func add(channels: [String], sink: String, to registry: inout RedisSubscriberRegistry<String>) -> Int? {
    registry.add(channels: channels, sink: sink)
}

/// `[subscribe, unsubscribe]`.
private func changes(_ registry: inout RedisSubscriberRegistry<String>) -> [[String]] {
    let (subscribe, unsubscribe) = registry.changes()
    return [subscribe, unsubscribe]
}

@Suite("RedisSubscriberRegistry")
struct RedisSubscriberRegistryTests {
    @Test func theConnectionFollowsTheListeners() throws {
        var registry = RedisSubscriberRegistry<String>()
        #expect(!registry.isWanted)
        let first = try #require(add(channels: ["a", "b", "a"], sink: "one", to: &registry))
        #expect(registry.isWanted)
        #expect(changes(&registry) == [["a", "b"], []])
        #expect(changes(&registry) == [[], []])
        let second = try #require(add(channels: ["b", "c"], sink: "two", to: &registry))
        #expect(changes(&registry) == [["c"], []])
        #expect(registry.sinks(for: "b").sorted() == ["one", "two"])
        registry.remove(first)
        #expect(changes(&registry) == [[], ["a"]])
        #expect(registry.sinks(for: "b") == ["two"])
        #expect(registry.sinks(for: "a") == [])
        registry.remove(second)
        registry.remove(second)
        #expect(changes(&registry) == [[], ["b", "c"]])
        #expect(registry.wantedChannels.isEmpty)
    }

    @Test func afterAReconnectEveryWantedChannelIsSubscribedAgain() throws {
        var registry = RedisSubscriberRegistry<String>()
        _ = try #require(add(channels: ["x", "y"], sink: "one", to: &registry))
        _ = registry.changes()
        registry.connectionLost()
        #expect(changes(&registry) == [["x", "y"], []])
    }

    @Test func shutdownHandsBackEverySinkAndRefusesNewListeners() throws {
        var registry = RedisSubscriberRegistry<String>()
        _ = try #require(add(channels: ["x"], sink: "one", to: &registry))
        _ = try #require(add(channels: ["y"], sink: "two", to: &registry))
        #expect(registry.shutDown().sorted() == ["one", "two"])
        #expect(registry.add(channels: ["z"], sink: "three") == nil)
        #expect(registry.sinks(for: "x").isEmpty)
    }
}
