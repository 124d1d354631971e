public import HTTPTypes
public import Hummingbird

/// Adds a route to the router and to the ``RouteCatalog`` in one step, so the 405 answers and the
/// OpenAPI coverage test see exactly the routes that exist.
public struct RouteRegistrar<Context: RequestContext> {
    public let router: Router<Context>
    public let catalog: RouteCatalog

    public init(router: Router<Context>, catalog: RouteCatalog) {
        self.router = router
        self.catalog = catalog
    }

    public func add(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        self.catalog.register(method, path)
        self.router.on(RouterPath(path), method: method, use: handler)
    }
}
