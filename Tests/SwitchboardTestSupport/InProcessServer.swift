public import Core
import Foundation
import Logging
import Prometheus
public import REST
import ServiceLifecycle

/// The API keys every in-process test server accepts.
public enum TestAPIKeys {
    public static let admin = "test-admin-key-0123456789"
    public static let agent = "test-agent-key-0123456789"
}

/// A Switchboard server running inside the test process on 127.0.0.1 and a free port.
public struct RunningServer: Sendable {
    public let port: Int
    public let server: SwitchboardServer
    /// Triggers the same graceful shutdown SIGTERM would.
    public let shutDown: @Sendable () async -> Void

    /// The Prometheus text of `/metrics`, read without HTTP.
    public func metricsText() -> String {
        self.server.metricsRegistry.emitToString()
    }
}

/// Starts a server with test-friendly defaults (port 0, a fresh data directory, a 1 s close
/// timeout so drains do not dominate test time), runs `body`, then shuts the server down
/// gracefully and waits for it to stop.
public func withSwitchboardServer<T: Sendable>(
    configure: (inout SwitchboardConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningServer) async throws -> T
) async throws -> T {
    var configuration = SwitchboardConfiguration()
    configuration.port = 0
    configuration.dataDirectory = NSTemporaryDirectory() + "switchboard-test-\(UUID().uuidString)"
    configuration.webSocketCloseTimeout = .seconds(1)
    configuration.drainTimeout = .seconds(5)
    configuration.apiKeys = [
        APIKeyGrant(key: TestAPIKeys.admin, role: .admin), APIKeyGrant(key: TestAPIKeys.agent, role: .agent),
    ]
    configure(&configuration)
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }

    var logger = Logger(label: "switchboard-test")
    logger.logLevel =
        ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    let server = try SwitchboardServer(
        configuration: configuration, logger: logger, metricsRegistry: PrometheusCollectorRegistry())
    await server.prepareStorage()
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let services = server.makeServices { port in portContinuation.yield(port) }
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    // A group that stops before listening ends the stream: `didNotStart` rather than a hang.
    return try await withRunningServices(group, whenStopped: { portContinuation.finish() }) {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestServerError.didNotStart }
        return try await body(
            RunningServer(port: port, server: server, shutDown: { await group.triggerGracefulShutdown() }))
    }
}

public enum TestServerError: Error {
    case didNotStart
}
