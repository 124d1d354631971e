import Core
public import CoreMetrics
public import Logging
import Metrics
public import NIOCore
import NIOHTTP1

/// Switchboard's WebSocket server: the route table, admission (RFC 6455 handshake, origin,
/// endpoint check, connection limit, drain state), and the live connections.
///
/// It owns no socket. The HTTP/1.1 server hands it upgrade requests through
/// ``makeUpgrader(for:upgraded:)``, so REST and WebSocket share one port.
public final class WebSocketServer: Sendable {
    public let routes: WebSocketRoutes
    public let registry = WebSocketConnectionRegistry()
    let logger: Logger
    let upgradeMetrics: WebSocketUpgradeMetrics
    private let routeMetrics: [String: WebSocketRouteMetrics]

    public init(routes: WebSocketRoutes, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.routes = routes
        self.logger = logger
        self.upgradeMetrics = WebSocketUpgradeMetrics(factory: metricsFactory)
        var metrics: [String: WebSocketRouteMetrics] = [:]
        for route in routes.routes {
            metrics[route.template.description] = WebSocketRouteMetrics(
                route: route.template.description, factory: metricsFactory)
        }
        self.routeMetrics = metrics
    }

    /// What the handshake decided for one request.
    enum Negotiation {
        case accept(AcceptedUpgrade, responseHeaders: HTTPHeaders)
        case reject(HandshakeRejection)
    }

    /// Everything the connection needs once the 101 response is out.
    struct AcceptedUpgrade {
        var request: WebSocketUpgradeRequest
        var endpoint: any WebSocketEndpoint
        var metrics: WebSocketRouteMetrics
    }

    func negotiate(_ head: HTTPRequestHead, channel: any Channel) -> Negotiation {
        let key: String
        switch WebSocketHandshake.validate(head) {
        case .success(let validKey): key = validKey
        case .failure(let rejection): return .reject(rejection)
        }
        let uri = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(uri[0])
        guard let match = self.routes.match(path) else { return .reject(.notFound(path)) }
        let route = match.route.template.description
        guard let metrics = self.routeMetrics[route] else { return .reject(.notFound(path)) }
        let configuration = match.route.endpoint.configuration
        let origin = head.headers.first(name: "origin")
        guard configuration.allowedOrigins.allows(origin) else {
            return .reject(.forbidden("origin \(origin ?? "") is not allowed on \(route)"))
        }
        let request = WebSocketUpgradeRequest(
            path: path,
            route: route,
            parameters: match.parameters,
            query: uri.count > 1 ? String(uri[1]) : nil,
            headers: head.headers,
            remoteAddress: channel.remoteAddress
        )
        if let rejection = match.route.endpoint.authorize(request) {
            return .reject(rejection)
        }
        switch self.registry.reserve(route: route, limit: configuration.maxConnections, channel: channel) {
        case .reserved:
            break
        case .full:
            return .reject(.unavailable("\(route) is at its connection limit", reason: "capacity"))
        case .draining:
            return .reject(.unavailable("the server is shutting down", reason: "draining"))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Sec-WebSocket-Accept", value: WebSocketHandshake.acceptValue(forKey: key))
        return .accept(
            AcceptedUpgrade(request: request, endpoint: match.route.endpoint, metrics: metrics),
            responseHeaders: headers)
    }

    /// An upgrader for one new HTTP connection; `upgraded` produces the pipeline's result value.
    public func makeUpgrader<UpgradeResult: Sendable>(
        for channel: any Channel,
        upgraded: @escaping @Sendable (any Channel) -> UpgradeResult
    ) -> WebSocketServerUpgrader<UpgradeResult> {
        WebSocketServerUpgrader(server: self, eventLoop: channel.eventLoop, upgraded: upgraded)
    }

    /// Graceful shutdown: refuse new upgrades (503), close every connection with 1001, and wait until
    /// they are gone; after `timeout`, close what is left without a handshake.
    public func drain(timeout: Duration) async {
        let channels = self.registry.beginDraining()
        self.logger.info("Draining WebSocket connections", metadata: ["ws.connections": "\(channels.count)"])
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        // Polling is fine here: it runs once per process lifetime, and Task.sleep honours cancellation.
        while self.registry.count > 0, clock.now < deadline {
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                break
            }
        }
        let remaining = self.registry.beginDraining()
        if !remaining.isEmpty {
            self.logger.warning(
                "Closing WebSocket connections that did not finish closing",
                metadata: ["ws.connections": "\(remaining.count)"])
            for channel in remaining { channel.close(promise: nil) }
        }
    }
}
