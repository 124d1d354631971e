import Core
import Foundation
import REST
import Redis
import SwitchboardTestSupport
import Synchronization
import Testing

/// An in-process server whose sessions are in `backend`: in memory, or in a fresh `redis-server`
/// (handed to `body`, for fault tests).
func withSessionServer<T: Sendable>(
    _ backend: SessionBackend,
    configure: @escaping @Sendable (inout SwitchboardConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningServer, APIClient, RedisTestServer?) async throws -> T
) async throws -> T {
    let redis: RedisTestServer? = backend == .redis ? try await RedisTestServer.launch() : nil
    defer { if let redis { Task { await redis.remove() } } }
    return try await withCRMServer(
        .sqlite,
        configure: { configuration in
            configuration.redisURL = redis?.url
            configure(&configuration)
        }
    ) { running, api in
        if let client = running.server.redis {
            try await waitUntil("server connected to Redis") { client.connectedSince != nil }
        }
        return try await body(running, api, redis)
    }
}

/// The presence events a bus carries from now on, collected in the background until the log goes.
final class PresenceLog: Sendable {
    private let events = Mutex<[PresenceEvent]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ bus: any EventBus) {
        let subscription = bus.subscribe(bufferSize: 1024)
        let task = Task { [weak self] in
            for await event in subscription {
                guard let self else { return }
                if case .presence(let presence) = event { self.events.withLock { $0.append(presence) } }
            }
        }
        self.task.withLock { $0 = task }
    }

    var all: [PresenceEvent] { self.events.withLock { $0 } }

    func of(_ agentID: String) -> [PresenceEvent] { self.all.filter { $0.agentID == agentID } }

    deinit { self.task.withLock { $0?.cancel() } }
}

extension APIClient {
    /// A new active agent's id.
    func makeAgent(_ name: String = "Agent") async throws -> String {
        let response = try await self.post(
            "/v1/agents", ["name": name, "email": "\(UUID().uuidString.prefix(12).lowercased())@example.com"])
        guard response.status == 201, let id = response.string("id") else {
            throw TimedOut(what: "agent creation answered \(response.status) \(response.body)")
        }
        return id
    }

    /// A new session's JSON.
    func openSession(agent: String, client: String = "console", presence: String? = nil) async throws -> APIResponse {
        var body: [String: Any] = ["agent_id": agent, "client": client]
        if let presence { body["presence"] = presence }
        return try await self.post("/v1/sessions", body)
    }

    func heartbeat(_ id: String) async throws -> Int {
        try await self.send("POST", "/v1/sessions/\(id)/heartbeat").status
    }
}

/// Two in-process servers sharing one Redis and one PostgreSQL database, as two instances behind a
/// proxy would.
func withTwoInstances<T: Sendable>(
    redis: RedisTestServer,
    configure: @escaping @Sendable (inout SwitchboardConfiguration) -> Void = { _ in },
    _ body: @Sendable ([RunningServer], [APIClient]) async throws -> T
) async throws -> T {
    let databaseURL = try await PostgresTestServer.shared.makeDatabase()
    let shared: @Sendable (inout SwitchboardConfiguration) -> Void = { configuration in
        configuration.databaseURL = databaseURL
        configuration.redisURL = redis.url
        configuration.rateLimitPerMinute = 0
        configure(&configuration)
    }
    return try await withSwitchboardServer(configure: shared) { first in
        try await withSwitchboardServer(configure: shared) { second in
            for running in [first, second] {
                let client = try #require(running.server.redis)
                try await waitUntil("server connected to Redis") { client.connectedSince != nil }
            }
            return try await body([first, second], [APIClient(port: first.port), APIClient(port: second.port)])
        }
    }
}
