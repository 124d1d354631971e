public import Core
public import Hummingbird
import NIOCore
public import Prometheus

/// `GET /health`, `GET /ready` and `GET /metrics`: open without credentials, for orchestrators
/// and scrapers.
public struct SystemRoutes: Sendable {
    private let startedAt = ContinuousClock.now
    private let checks: [any ReadinessCheck]
    private let registry: PrometheusCollectorRegistry

    public init(checks: [any ReadinessCheck], registry: PrometheusCollectorRegistry) {
        self.checks = checks
        self.registry = registry
    }

    public func add<Context: RequestContext>(to router: Router<Context>, catalog: RouteCatalog) {
        router.get("/health") { _, _ in try self.health() }
        router.get("/ready") { _, _ in try await self.ready() }
        router.get("/metrics") { _, _ in self.metrics() }
        for path in ["/health", "/ready", "/metrics"] {
            catalog.register(.get, path)
        }
    }

    struct Health: Encodable {
        var status = "ok"
        var version = SwitchboardVersion.current
        var uptime_seconds: Double
    }

    struct CheckResult: Encodable {
        var ready: Bool
        var detail: String
    }

    struct Readiness: Encodable {
        var status: String
        var checks: [String: CheckResult]
        // RFC 9457 members, present when not ready.
        var type: String?
        var title: String?
        var detail: String?
    }

    func health() throws -> Response {
        let uptime = ContinuousClock.now - self.startedAt
        let seconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        return try Self.json(
            Health(uptime_seconds: (seconds * 1000).rounded() / 1000), status: .ok, contentType: "application/json")
    }

    func ready() async throws -> Response {
        let reports = await withTaskGroup(of: (String, ReadinessReport).self) { group in
            for check in self.checks {
                group.addTask { (check.name, await check.check()) }
            }
            var results: [String: CheckResult] = [:]
            for await (name, report) in group {
                results[name] = CheckResult(ready: report.isReady, detail: report.detail)
            }
            return results
        }
        let failing = reports.filter { !$0.value.ready }.keys.sorted()
        if failing.isEmpty {
            return try Self.json(
                Readiness(status: "ready", checks: reports), status: .ok, contentType: "application/json")
        }
        let body = Readiness(
            status: "not_ready",
            checks: reports,
            type: "about:blank",
            title: "Service Unavailable",
            detail: "not ready: " + failing.joined(separator: ", ")
        )
        var response = try Self.json(body, status: .serviceUnavailable, contentType: ProblemDetails.mediaType)
        response.headers[.retryAfter] = "5"
        return response
    }

    func metrics() -> Response {
        var bytes: [UInt8] = []
        self.registry.emit(into: &bytes)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status, contentType: String) throws
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType], body: .init(byteBuffer: try JSONBody.encode(value)))
    }
}
