import HTTPTypes

extension SwitchboardAPI {
    /// The open routes: no key, no rate limit.
    static var systemOperations: [OpenAPIOperation] {
        [
            OpenAPIOperation(
                method: .get, path: "/health", id: "getHealth", tag: "System", summary: "Liveness",
                details: "200 while the process serves HTTP, whatever its dependencies do.", access: .open,
                responses: [Answer.json(200, "Health", "The server is alive.")]),
            OpenAPIOperation(
                method: .get, path: "/ready", id: "getReadiness", tag: "System", summary: "Readiness",
                details: "Checks the data directory, the database, the WebSocket server and the event loops.",
                access: .open,
                responses: [
                    Answer.json(200, "Readiness", "Every component is ready."),
                    OpenAPIResponse(
                        status: 503,
                        summary: "A component is not ready (or the server is draining); the body is both a readiness"
                            + " report and a problem.",
                        content: [("application/problem+json", .ref("Readiness"))], headers: [Header.retryAfter]),
                ]),
            OpenAPIOperation(
                method: .get, path: "/metrics", id: "getMetrics", tag: "System", summary: "Prometheus metrics",
                details: "HTTP, WebSocket and media-stream metrics in the Prometheus text format.", access: .open,
                responses: [
                    OpenAPIResponse(
                        status: 200, summary: "The metrics.",
                        content: [("text/plain; version=0.0.4; charset=utf-8", .string())])
                ]),
            OpenAPIOperation(
                method: .get, path: "/openapi.json", id: "getOpenAPIDocument", tag: "System",
                summary: "This document", details: "OpenAPI 3.1.", access: .open,
                responses: [
                    OpenAPIResponse(
                        status: 200, summary: "The OpenAPI document.",
                        content: [("application/json", OpenAPISchema(types: ["object"]))])
                ]),
            OpenAPIOperation(
                method: .get, path: "/docs", id: "getDocumentation", tag: "System",
                summary: "This document, for people", details: "HTML rendered on the server; no scripts.",
                access: .open,
                responses: [
                    OpenAPIResponse(
                        status: 200, summary: "The API reference as a web page.",
                        content: [("text/html; charset=utf-8", .string())])
                ]),
        ]
    }
}
