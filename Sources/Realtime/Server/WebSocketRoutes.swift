import Core

/// The table of WebSocket endpoints by path template (`/v1/echo`, `/v1/calls/{sid}/listen`).
public struct WebSocketRoutes: Sendable {
    struct Route: Sendable {
        var template: PathTemplate
        var endpoint: any WebSocketEndpoint
    }

    struct Match {
        var route: Route
        var parameters: [String: String]
    }

    private(set) var routes: [Route] = []

    public init() {}

    /// Adds an endpoint. Routes are tried in the order they were added.
    public mutating func add(_ template: String, _ endpoint: any WebSocketEndpoint) {
        self.routes.append(Route(template: PathTemplate(template), endpoint: endpoint))
    }

    /// Whether some endpoint serves `path` (query string excluded).
    public func contains(path: String) -> Bool {
        self.match(path) != nil
    }

    func match(_ path: String) -> Match? {
        for route in self.routes {
            if let parameters = route.template.match(path) {
                return Match(route: route, parameters: parameters)
            }
        }
        return nil
    }
}
