import Core
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import REST
import ServiceLifecycle
import Synchronization

/// The keys every edge test server accepts.
enum EdgeKeys {
    static let admin = "admin-secret-0123456789"
    static let agent = "agent-secret-9876543210"
    static let otherAgent = "agent-secret-second-key"
    static let grants = [
        APIKeyGrant(key: admin, role: .admin),
        APIKeyGrant(key: agent, role: .agent),
        APIKeyGrant(key: otherAgent, role: .agent),
    ]
}

/// A clock tests move by hand, so buckets refill without sleeping.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { self.start + self.offset.withLock { $0 } }

    func advance(by duration: Duration) {
        self.offset.withLock { $0 += duration }
    }
}

/// Runs a Hummingbird application with the edge middlewares in the order `SwitchboardServer` uses
/// (CORS, problems, metrics, API key, rate limit) and a few dummy routes, on 127.0.0.1 and a free
/// port, then shuts it down gracefully.
///
/// Routes: `GET /health` (open), `GET /v1/whoami` (any key: the caller's key id and role),
/// `GET /v1/admin` (admin only), `GET /v1/open-admin` (admin only, but on an open path by mistake),
/// `GET /v1/conflict` (throws a 409 problem), `GET /v1/busy` (a ``ProblemConvertible`` 503 with
/// `Retry-After`), `GET /v1/bad` (an `HTTPError` 400).
func withEdgeServer(
    rateLimitPerMinute: Int = 0,
    allowedOrigins: [String] = [],
    clock: ManualClock = ManualClock(),
    _ body: @Sendable (Int) async throws -> Void
) async throws {
    let router = Router(context: SwitchboardRequestContext.self)
    let catalog = RouteCatalog()
    router.add(middleware: REST.CORSMiddleware(allowedOrigins: allowedOrigins))
    router.add(middleware: ProblemMiddleware(catalog: catalog))
    router.add(middleware: MetricsMiddleware())
    router.add(
        middleware: APIKeyMiddleware(
            keyRing: APIKeyRing(grants: EdgeKeys.grants), additionalOpenPaths: ["/v1/open-admin"])
    )
    router.add(middleware: RateLimitMiddleware(limitPerMinute: rateLimitPerMinute, clock: { clock.now }))
    router.get("/health") { _, _ in "ok" }
    router.get("/v1/whoami") { _, context in
        guard let caller = context.caller else { return "nobody" }
        return "\(caller.keyID) \(caller.role.rawValue)"
    }
    router.get("/v1/admin") { _, context in
        let caller = try context.requireRole(.admin)
        return "admin \(caller.keyID)"
    }
    router.get("/v1/open-admin") { _, context in
        _ = try context.requireRole(.admin)
        return "unreachable"
    }
    router.get("/v1/conflict") { _, _ -> String in
        throw ProblemDetails(status: 409, title: "Conflict", detail: "always")
    }
    router.get("/v1/busy") { _, _ -> String in throw EdgeBusyError() }
    router.get("/v1/bad") { _, _ -> String in throw HTTPError(.badRequest, message: "bad request") }
    for path in ["/health", "/v1/whoami", "/v1/admin", "/v1/open-admin", "/v1/conflict", "/v1/busy", "/v1/bad"] {
        catalog.register(.get, path)
    }

    var logger = Logger(label: "switchboard-edge-test")
    logger.logLevel =
        ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let application = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await tasks.waitForAll()
            throw EdgeTestError.didNotStart
        }
        do {
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

struct EdgeBusyError: ProblemConvertible {
    var problem: ProblemDetails { ProblemDetails(status: 503, title: "Service Unavailable", detail: "busy") }
    var problemHeaders: HTTPFields { [.retryAfter: "5"] }
}

enum EdgeTestError: Error {
    case didNotStart
}
