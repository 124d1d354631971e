import Core
import Foundation
import REST
import SwitchboardTestSupport
import Testing

/// Authentication and roles through real HTTP on loopback.
@Suite struct APIKeyMiddlewareTests {
    @Test func missingKeyIs401WithAChallenge() async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: port, "GET", "/v1/whoami")
                #expect(response.status == 401)
                #expect(response.mediaType == "application/problem+json")
                #expect(response[header: "www-authenticate"] == "ApiKey header=\"X-API-Key\"")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 401)
                #expect(problem.title == "Unauthorized")
                #expect(problem.detail?.contains("needs an API key") == true, "detail: \(problem.detail ?? "nil")")
            }
        }
    }

    @Test(arguments: ["wrong-key-that-looks-secret", "admin-secret-012345678", ""])
    func wrongKeyIs401WithoutEchoingIt(key: String) async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: port, "GET", "/v1/whoami", headers: [("X-API-Key", key)])
                #expect(response.status == 401)
                #expect(response[header: "www-authenticate"] == "ApiKey header=\"X-API-Key\"")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                if key.isEmpty {
                    #expect(problem.detail?.contains("needs an API key") == true)
                } else {
                    #expect(problem.detail?.contains("not valid") == true, "detail: \(problem.detail ?? "nil")")
                    #expect(!response.body.contains(key))
                    #expect(!response.headers.values.contains { $0.contains(key) })
                }
            }
        }
    }

    @Test func validKeySetsTheCaller() async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let agent = try RawHTTPClient.request(
                    port: port, "GET", "/v1/whoami", headers: [("X-API-Key", EdgeKeys.agent)])
                #expect(agent.status == 200)
                #expect(agent.body == "\(APIKeyRing.keyID(for: EdgeKeys.agent)) agent")
                let admin = try RawHTTPClient.request(
                    port: port, "GET", "/v1/whoami", headers: [("x-api-key", EdgeKeys.admin)])
                #expect(admin.body == "\(APIKeyRing.keyID(for: EdgeKeys.admin)) admin")
            }
        }
    }

    @Test func agentKeyOnAnAdminRouteIs403() async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: port, "GET", "/v1/admin", headers: [("X-API-Key", EdgeKeys.agent)])
                #expect(response.status == 403)
                #expect(response.mediaType == "application/problem+json")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.detail == "this route needs an admin key")
            }
        }
    }

    @Test func adminKeyOnAnAdminRouteIsServed() async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: port, "GET", "/v1/admin", headers: [("X-API-Key", EdgeKeys.admin)])
                #expect(response.status == 200)
                #expect(response.body == "admin \(APIKeyRing.keyID(for: EdgeKeys.admin))")
            }
        }
    }

    /// The open paths reach the router without a key: `/health` is served, the others have no route
    /// in the test server and so are 404, not 401.
    @Test func openPathsNeedNoKey() async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                #expect(try RawHTTPClient.request(port: port, "GET", "/health").status == 200)
                for path in ["/ready", "/metrics", "/openapi.json", "/docs"] {
                    let response = try RawHTTPClient.request(port: port, "GET", path)
                    #expect(response.status == 404, "\(path) answered \(response.status)")
                }
            }
        }
    }

    @Test(arguments: ["/health/", "/healthz", "/docs/x", "/v1/nothing-here"])
    func onlyExactOpenPathsAreOpen(path: String) async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: port, "GET", path)
                #expect(response.status == 401, "\(path) answered \(response.status)")
            }
        }
    }

    /// A route opened by mistake still refuses to run admin work for nobody.
    @Test func requireRoleWithoutACallerIs401() async throws {
        try await withEdgeServer { port in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: port, "GET", "/v1/open-admin")
                #expect(response.status == 401)
                #expect(response.mediaType == "application/problem+json")
                #expect(response[header: "www-authenticate"] == "ApiKey header=\"X-API-Key\"")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 401)
                #expect(problem.detail?.contains("needs an API key") == true)
            }
        }
    }
}
