/// The table of WebSocket endpoints by path. Templates are literal segments and `{name}`
/// parameters: `/v1/echo`, `/v1/calls/{sid}/listen`.
public struct WebSocketRoutes: Sendable {
    struct Route: Sendable {
        var template: String
        var segments: [Segment]
        var endpoint: any WebSocketEndpoint
    }

    enum Segment: Sendable, Equatable {
        case literal(Substring)
        case parameter(String)
    }

    struct Match {
        var route: Route
        var parameters: [String: String]
    }

    private(set) var routes: [Route] = []

    public init() {}

    /// Adds an endpoint. Routes are tried in the order they were added.
    public mutating func add(_ template: String, _ endpoint: any WebSocketEndpoint) {
        let segments = template.split(separator: "/").map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(part)
        }
        self.routes.append(Route(template: template, segments: segments, endpoint: endpoint))
    }

    /// Whether some endpoint serves `path` (query string excluded).
    public func contains(path: String) -> Bool {
        self.match(path) != nil
    }

    func match(_ path: String) -> Match? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        routeLoop: for route in self.routes where route.segments.count == parts.count {
            var parameters: [String: String] = [:]
            for (segment, part) in zip(route.segments, parts) {
                switch segment {
                case .literal(let literal):
                    guard literal == part else { continue routeLoop }
                case .parameter(let name):
                    guard !part.isEmpty else { continue routeLoop }
                    parameters[name] = String(part)
                }
            }
            return Match(route: route, parameters: parameters)
        }
        return nil
    }
}
