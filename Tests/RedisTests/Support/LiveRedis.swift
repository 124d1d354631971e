import Foundation
import Logging
import NIOCore
import NIOPosix
import Redis
import SwitchboardTestSupport
import Testing

/// A logger for clients under test: quiet unless `TEST_LOG_LEVEL` says otherwise.
func testLogger() -> Logger {
    var logger = Logger(label: "redis-test")
    logger.logLevel =
        ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}

/// The configuration for `server`, with `configure` applied.
func configuration(
    for server: RedisTestServer, _ configure: (inout RedisConfiguration) -> Void = { _ in }
) throws -> RedisConfiguration {
    var configuration = try RedisConfiguration(url: server.url)
    configure(&configuration)
    return configuration
}

/// Runs `body` with a new redis-server, removed afterwards whatever happens (thawed first if frozen).
func withRedisServer<T>(
    password: String? = nil, _ body: (RedisTestServer) async throws -> T
) async throws -> T {
    let server = try await RedisTestServer.launch(password: password)
    do {
        let result = try await body(server)
        await server.remove()
        return result
    } catch {
        await server.remove()
        throw error
    }
}

/// Runs `body` while a client runs on an event loop group of its own (which `body` may watch),
/// then cancels the client and checks that `run()` returned.
func withRedisClient<T: Sendable>(
    _ configuration: RedisConfiguration,
    metrics: CounterTotals = CounterTotals(),
    waitForConnection: Bool = true,
    _ body: @Sendable (RedisClient, MultiThreadedEventLoopGroup) async throws -> T
) async throws -> T {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    let client = RedisClient(
        configuration: configuration, eventLoopGroup: group, logger: testLogger(), metricsFactory: metrics)
    let result = await withTaskGroup(of: Void.self) { tasks -> Result<T, any Error> in
        tasks.addTask { try? await client.run() }
        defer { tasks.cancelAll() }
        do {
            if waitForConnection {
                try await eventually("the client connected") { client.connectedSince != nil }
            }
            return .success(try await body(client, group))
        } catch {
            return .failure(error)
        }
    }
    try await group.shutdownGracefully()
    return try result.get()
}

struct StillFalse: Error, CustomStringConvertible {
    let what: String
    var description: String { "gave up waiting for \(self.what)" }
}

/// Checks `condition` every 10 ms until it holds; throws after `timeout`.
func eventually(
    _ what: String, within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    repeat {
        if try await condition() { return }
        try await clock.sleep(for: .milliseconds(10))
    } while clock.now < deadline
    throw StillFalse(what: what)
}

/// Sends `command` and returns the ``RedisError`` it failed with (nil when it succeeded) and how long it took.
/// How quickly a command must fail when the client knows Redis is away: well under the 1 s
/// command timeout, so a command that waited for the timeout fails the check, with room for a
/// loaded test pass that holds a task up (CI's pass 1 has held a test's thread for over a second).
let failsFast: Duration = .milliseconds(500)

func timedSend(_ client: RedisClient, _ command: RedisCommand = RedisCommand("PING")) async -> (RedisError?, Duration) {
    let start = ContinuousClock.now
    do {
        _ = try await client.send(command)
        return (nil, ContinuousClock.now - start)
    } catch {
        return (error, ContinuousClock.now - start)
    }
}
