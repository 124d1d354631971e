import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /openapi.json` (the OpenAPI 3.1 description of every HTTP route) and `GET /docs` (the same
/// document as a web page). Both are open (``APIKeyMiddleware/defaultOpenPaths``) and static: they
/// are rendered once per process, on the first request for either, and every request shares the
/// bytes; a server that is never asked pays nothing.
public struct OpenAPIRoutes: Sendable {
    private struct Rendered: Sendable {
        let json: ByteBuffer
        let html: ByteBuffer

        init() {
            let document = SwitchboardAPI.document()
            self.json = ByteBuffer(bytes: document.json.serialized())
            self.html = ByteBuffer(string: OpenAPIHTML(document: document).render())
        }
    }

    /// A `static let` is initialised lazily and exactly once, whichever request gets there first.
    private static let rendered = Rendered()

    public init() {}

    public func add(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        routes.add(.get, "/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: Self.rendered.json))
        }
        routes.add(.get, "/docs") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    // Nothing on the page runs or loads: its only style is inline.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'",
                ],
                body: .init(byteBuffer: Self.rendered.html))
        }
    }
}
