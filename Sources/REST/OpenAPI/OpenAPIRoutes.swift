import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /openapi.json` (the OpenAPI 3.1 description of every HTTP route) and `GET /docs` (the same
/// document as a web page). Both are open (``APIKeyMiddleware/defaultOpenPaths``) and static: they
/// are rendered once, when the routes are made, and every request shares the bytes.
public struct OpenAPIRoutes: Sendable {
    private let json: ByteBuffer
    private let html: ByteBuffer

    public init() {
        let document = SwitchboardAPI.document()
        self.json = ByteBuffer(bytes: document.json.serialized())
        self.html = ByteBuffer(string: OpenAPIHTML(document: document).render())
    }

    public func add(to routes: RouteRegistrar<SwitchboardRequestContext>) {
        let json = self.json
        let html = self.html
        routes.add(.get, "/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: json))
        }
        routes.add(.get, "/docs") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    // Nothing on the page runs or loads: its only style is inline.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'",
                ],
                body: .init(byteBuffer: html))
        }
    }
}
