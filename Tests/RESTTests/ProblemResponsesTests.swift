import Core
import Foundation
import SwitchboardTestSupport
import Testing

/// Every HTTP error is an RFC 9457 `application/problem+json` body, never Hummingbird's default.
@Suite struct ProblemResponsesTests {
    @Test func unknownPathIs404Problem() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: running.port, "GET", "/no/such/thing?x=1", headers: [("X-API-Key", TestAPIKeys.admin)])
                #expect(response.status == 404)
                #expect(response.mediaType == "application/problem+json")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 404)
                #expect(problem.title == "Not Found")
                #expect(problem.type == "about:blank")
                #expect(problem.detail?.contains("/no/such/thing") == true, "detail: \(problem.detail ?? "nil")")
                #expect(problem.detail?.contains("x=1") == false, "the query string is not part of the path")
                #expect(response[header: "content-length"] == String(response.body.utf8.count))
            }
        }
    }

    @Test func errorKeepsTheConnectionUsable() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let client = try RawHTTPClient(port: running.port)
                #expect(try client.request("GET", "/nope", headers: [("X-API-Key", TestAPIKeys.admin)]).status == 404)
                // Without a key the answer is 401 before any routing, so paths are not probed for free.
                #expect(try client.request("GET", "/nope").status == 401)
                #expect(try client.request("GET", "/health").status == 200)
            }
        }
    }

    /// RFC 9110 §15.5.6: a path that exists but not for this method is 405 with `Allow`.
    @Test(arguments: [("POST", "/health"), ("DELETE", "/ready"), ("PUT", "/metrics")])
    func wrongMethodIs405Problem(method: String, path: String) async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: running.port, method, path, headers: [("Content-Length", "0")])
                #expect(response.status == 405, "\(method) \(path) answered \(response.status): \(response.body)")
                #expect(response.mediaType == "application/problem+json")
                #expect(response[header: "allow"]?.contains("GET") == true, "headers: \(response.headers)")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 405)
                #expect(problem.detail?.contains(path) == true)
            }
        }
    }

    @Test(arguments: ["/v1/echo", "/v1/echo?token=abc"])
    func plainRequestToWebSocketPathIs426(target: String) async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: running.port, "GET", target)
                #expect(response.status == 426)
                #expect(response[header: "upgrade"]?.lowercased() == "websocket")
                #expect(response.mediaType == "application/problem+json")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 426)
                #expect(problem.title == "Upgrade Required")
                #expect(problem.detail?.contains("/v1/echo") == true)
            }
        }
    }
}
