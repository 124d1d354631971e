import Core
import Foundation
import Logging
import Redis
import ServiceLifecycle
import SwitchboardTestSupport

/// The two session stores every store test runs on.
enum SessionBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case memory
    case redis

    var description: String { self.rawValue }
}

/// Test policy: the production rules, with times the tests move by hand.
let testPolicy = SessionPolicy()

/// `instances` stores that share their sessions, as that many servers would: for `.memory` the one
/// store of the one process, for `.redis` one client and store each on a fresh `redis-server`
/// under one key prefix. Their services run for the duration of `body`.
func withSessionStores<T: Sendable>(
    _ backend: SessionBackend, instances: Int = 1, policy: SessionPolicy = testPolicy,
    holdOff: Duration = .zero,
    _ body: @Sendable ([any SessionStore], RedisTestServer?) async throws -> T
) async throws -> T {
    switch backend {
    case .memory:
        let store = InProcessSessionStore(policy: policy)
        return try await body(Array(repeating: store, count: instances), nil)
    case .redis:
        let server = try await RedisTestServer.launch()
        defer { Task { await server.remove() } }
        return try await withRedisSessionStores(
            url: server.url, instances: instances, policy: policy, holdOff: holdOff
        ) { stores in
            try await body(stores, server)
        }
    }
}

/// Redis stores on a running server, each with its own client, under one fresh key prefix.
func withRedisSessionStores<T: Sendable>(
    url: String, instances: Int, policy: SessionPolicy = testPolicy, holdOff: Duration = .zero,
    beatsPerCommand: Int = 2000, prefix: String = "t\(UInt32.random(in: 0...UInt32.max)):",
    _ body: @Sendable ([RedisSessionStore]) async throws -> T
) async throws -> T {
    var logger = Logger(label: "session-test")
    logger.logLevel = .critical
    var services: [any Service] = []
    var stores: [RedisSessionStore] = []
    var clients: [RedisClient] = []
    // These tests never make Redis fail (SessionFaultTests do, on the production 1 s): a longer
    // command timeout keeps a debug build's busiest seconds on 2 cores from failing them.
    var configuration = try RedisConfiguration(url: url)
    configuration.commandTimeout = .seconds(5)
    for _ in 0..<instances {
        let client = RedisClient(configuration: configuration, logger: logger)
        let store = RedisSessionStore(
            client: client, policy: policy, keyPrefix: prefix, reconnectHoldOff: holdOff,
            beatsPerCommand: beatsPerCommand, logger: logger)
        services += [client, store]
        stores.append(store)
        clients.append(client)
    }
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    let ready = clients
    let made = stores
    return try await withRunningServices(group) {
        // Connected before the test starts, so its first command does not race the first connect.
        for client in ready {
            try await waitUntil("Redis client connected") { client.connectedSince != nil }
        }
        return try await body(made)
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for: \(self.what)" }
}

/// Polls `condition` every 20 ms until it holds, or throws after `timeout`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TimedOut(what: what)
}

/// `count` new active sessions created in `store`: session `index` of agent `agent(index)`,
/// started at `start(index)`.
func createSessions(
    _ count: Int, in store: any SessionStore, agent: (Int) -> String = { _ in "agt_1" },
    at start: (Int) -> Timestamp
) async throws -> [Session] {
    var sessions: [Session] = []
    for index in 0..<count {
        let session = makeSession(agent: agent(index), at: start(index))
        try await store.create(session)
        sessions.append(session)
    }
    return sessions
}

/// A new active session of `agent` started at `time`.
func makeSession(
    agent: String = "agt_1", client: String = "console", at time: Timestamp, presence: Presence = .available
)
    -> Session
{
    Session(
        id: "ses_" + UUID().uuidString, agentID: agent, client: client, presence: presence, tokenHash: "hash",
        startedAt: time)
}

/// Runs `body`, failing with ``TimedOut`` if it takes longer than `timeout`.
func withTimeout<T: Sendable>(
    _ what: String, _ timeout: Duration = .seconds(10), _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(what: what) }
        return value
    }
}

/// Sends commands to the Redis at `url` on a client of their own (tests that reach behind the store).
func redisCommands(_ url: String, _ commands: [[String]]) async throws -> [RESPValue] {
    var logger = Logger(label: "session-test-admin")
    logger.logLevel = .critical
    let client = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger)
    return try await withThrowingTaskGroup(of: [RESPValue]?.self) { group in
        group.addTask {
            try await client.run()
            return nil
        }
        defer { group.cancelAll() }
        try await waitUntil("admin client connected") { client.connectedSince != nil }
        return try await client.pipeline(commands.map(RedisCommand.init))
    }
}
