import Core
import Foundation
import REST
import SwitchboardTestSupport
import Testing

/// Cross-origin headers and preflights through real HTTP on loopback, with the whole edge chain.
@Suite struct CORSMiddlewareTests {
    private static let console = "https://console.example.com"
    private static let exposed = "ETag, Location, Retry-After, RateLimit, RateLimit-Policy, Idempotency-Key"

    private static func preflight(port: Int, origin: String) throws -> RawHTTPResponse {
        try RawHTTPClient.request(
            port: port, "OPTIONS", "/v1/whoami",
            headers: [
                ("Origin", origin),
                ("Access-Control-Request-Method", "PATCH"),
                ("Access-Control-Request-Headers", "x-api-key, content-type"),
            ])
    }

    @Test func allowedOriginGetsItsOriginBack() async throws {
        try await withEdgeServer(allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: port, "GET", "/v1/whoami", headers: [("Origin", Self.console), ("X-API-Key", EdgeKeys.agent)])
                #expect(response.status == 200)
                #expect(response[header: "access-control-allow-origin"] == Self.console)
                #expect(response[header: "vary"] == "Origin")
                #expect(response[header: "access-control-expose-headers"] == Self.exposed)
                #expect(response[header: "access-control-allow-credentials"] == nil)
            }
        }
    }

    /// Origins compare case-insensitively, but the header echoes what the browser sent, which is
    /// what it compares against.
    @Test func matchingIsCaseInsensitiveAndEchoesTheRequest() async throws {
        try await withEdgeServer(allowedOrigins: ["https://Console.Example.com/"]) { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: port, "GET", "/health", headers: [("Origin", "https://console.example.COM")])
                #expect(response[header: "access-control-allow-origin"] == "https://console.example.COM")
            }
        }
    }

    @Test(arguments: [
        "https://evil.example.com", "https://console.example.com:8443", "http://console.example.com", "null",
    ])
    func disallowedOriginGetsNoCORSHeaders(origin: String) async throws {
        try await withEdgeServer(allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: port, "GET", "/v1/whoami", headers: [("Origin", origin), ("X-API-Key", EdgeKeys.agent)])
                // The request is still served: CORS only decides whether a page may read the answer.
                #expect(response.status == 200)
                #expect(response[header: "access-control-allow-origin"] == nil)
                #expect(response[header: "access-control-expose-headers"] == nil)
                #expect(response[header: "vary"] == "Origin")
            }
        }
    }

    @Test func preflightFromAnAllowedOriginNeedsNoKey() async throws {
        try await withEdgeServer(rateLimitPerMinute: 1, allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let response = try Self.preflight(port: port, origin: Self.console)
                #expect(response.status == 204)
                #expect(response.body.isEmpty)
                #expect(response[header: "access-control-allow-origin"] == Self.console)
                #expect(response[header: "access-control-allow-methods"] == "GET, POST, PATCH, DELETE, OPTIONS")
                #expect(
                    response[header: "access-control-allow-headers"]
                        == "X-API-Key, Content-Type, If-Match, If-None-Match, Idempotency-Key")
                #expect(response[header: "access-control-max-age"] == "600")
                #expect(response[header: "vary"] == "Origin")
                #expect(response[header: "www-authenticate"] == nil)
                #expect(response[header: "ratelimit"] == nil)
            }
        }
    }

    @Test func preflightFromADisallowedOriginIs403() async throws {
        try await withEdgeServer(allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let response = try Self.preflight(port: port, origin: "https://evil.example.com")
                #expect(response.status == 403)
                #expect(response.mediaType == "application/problem+json")
                #expect(response[header: "access-control-allow-origin"] == nil)
                #expect(response[header: "access-control-allow-methods"] == nil)
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.detail?.contains("https://evil.example.com") == true, "\(problem.detail ?? "nil")")
            }
        }
    }

    /// A plain `OPTIONS` (no `Access-Control-Request-Method`) is no preflight: it needs a key like
    /// any other request.
    @Test func plainOptionsIsNotAPreflight() async throws {
        try await withEdgeServer(allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: port, "OPTIONS", "/v1/whoami", headers: [("Origin", Self.console)])
                #expect(response.status == 401)
                #expect(response[header: "access-control-allow-origin"] == Self.console)
            }
        }
    }

    @Test func refusalsCarryTheHeadersSoPagesCanReadThem() async throws {
        try await withEdgeServer(rateLimitPerMinute: 1, allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let client = try RawHTTPClient(port: port)
                let unauthorized = try client.request("GET", "/v1/whoami", headers: [("Origin", Self.console)])
                #expect(unauthorized.status == 401)
                #expect(unauthorized[header: "access-control-allow-origin"] == Self.console)
                #expect(unauthorized[header: "access-control-expose-headers"] == Self.exposed)
                #expect(unauthorized[header: "www-authenticate"] != nil)

                let headers = [("Origin", Self.console), ("X-API-Key", EdgeKeys.agent)]
                #expect(try client.request("GET", "/v1/whoami", headers: headers).status == 200)
                let limited = try client.request("GET", "/v1/whoami", headers: headers)
                #expect(limited.status == 429)
                #expect(limited[header: "access-control-allow-origin"] == Self.console)
                #expect(limited[header: "retry-after"] == "60")

                let admin = try client.request(
                    "GET", "/v1/admin", headers: [("Origin", Self.console), ("X-API-Key", EdgeKeys.admin)])
                #expect(admin.status == 200)
                #expect(admin[header: "access-control-allow-origin"] == Self.console)
            }
        }
    }

    @Test func emptyListAllowsAnyOrigin() async throws {
        try await withEdgeServer(allowedOrigins: []) { port in
            try await withBlockingIO {
                let origin = "http://localhost:5173"
                let response = try RawHTTPClient.request(port: port, "GET", "/health", headers: [("Origin", origin)])
                #expect(response[header: "access-control-allow-origin"] == origin)
                #expect(try Self.preflight(port: port, origin: origin).status == 204)
                // `null` (sandboxed frames, file: pages) is refused even then.
                #expect(try Self.preflight(port: port, origin: "null").status == 403)
            }
        }
    }

    @Test func requestsWithoutOriginGetOnlyVary() async throws {
        try await withEdgeServer(allowedOrigins: [Self.console]) { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: port, "GET", "/health")
                #expect(response.status == 200)
                #expect(response[header: "access-control-allow-origin"] == nil)
                #expect(response[header: "vary"] == "Origin")
            }
        }
    }
}
