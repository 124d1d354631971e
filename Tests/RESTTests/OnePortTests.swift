import Core
import Foundation
import REST
import Realtime
import SwitchboardTestSupport
import Testing

/// One port serves HTTP and WebSocket upgrades: keep-alive, refusals with reasons, the connection
/// limit, the handshake timeout, and the graceful drain.
@Suite struct OnePortTests {
    // MARK: Both protocols on one port

    @Test func keepAliveAndWebSocketOnTheSamePort() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let http = try RawHTTPClient(port: running.port)
                let health = try http.request("GET", "/health")
                #expect(health.status == 200)
                #expect(health[header: "connection"]?.lowercased() != "close")
                let ready = try http.request("GET", "/ready")
                #expect(ready.status == 200)
                let metrics = try http.request("GET", "/metrics")
                #expect(metrics.status == 200)
                #expect(!http.waitForClose(timeout: .milliseconds(100)), "the keep-alive connection was closed")

                let webSocket = try RawWebSocketClient.connect(port: running.port)
                try webSocket.sendText("same port")
                #expect(try webSocket.readMessage().text == "same port")
                try webSocket.sendClose(code: 1000)
                try webSocket.expectClose(code: 1000)

                // The HTTP connection is still served after the upgrade on another connection.
                #expect(try http.request("GET", "/health").status == 200)
            }
        }
    }

    @Test func upgradeAsSecondRequestIsRedirectedOnAFreshConnection() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let http = try RawHTTPClient(port: running.port)
                #expect(try http.request("GET", "/health").status == 200)
                let redirect = try http.request(
                    "GET", "/v1/echo?room=7", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(redirect.status == 307)
                #expect(redirect[header: "location"] == "/v1/echo?room=7")
                #expect(redirect[header: "connection"]?.lowercased() == "close")
                #expect(http.waitForClose(timeout: .seconds(2)), "the server kept the connection open after the 307")

                // Following the redirect on a fresh connection upgrades.
                let webSocket = try RawWebSocketClient.connect(port: running.port, path: "/v1/echo?room=7")
                try webSocket.sendText("after redirect")
                #expect(try webSocket.readMessage().text == "after redirect")
            }
        }
    }

    // MARK: Refused upgrades

    @Test func wrongWebSocketVersionIs426WithSupportedVersion() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let http = try RawHTTPClient(port: running.port)
                let response = try http.request(
                    "GET", "/v1/echo", headers: RawHTTPClient.webSocketUpgradeHeaders([("Sec-WebSocket-Version", "8")]))
                #expect(response.status == 426)
                #expect(response[header: "sec-websocket-version"] == "13")
                #expect(response.mediaType == "application/problem+json")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 426)
                #expect(problem.detail?.contains("13") == true)
                #expect(response[header: "connection"]?.lowercased() == "close")
                #expect(http.waitForClose(timeout: .seconds(2)))
            }
        }
    }

    @Test func upgradeToUnknownPathIs404Problem() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/nope", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(response.status == 404)
                #expect(response.mediaType == "application/problem+json")
                let problem = try decodeBody(ProblemDetails.self, from: response)
                #expect(problem.status == 404)
                #expect(problem.detail?.contains("/v1/nope") == true)
            }
        }
    }

    @Test func upgradeWithoutKeyIs400Problem() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let headers = RawHTTPClient.webSocketUpgradeHeaders().filter { $0.0 != "Sec-WebSocket-Key" }
                let response = try RawHTTPClient.request(port: running.port, "GET", "/v1/echo", headers: headers)
                #expect(response.status == 400)
                #expect(response.mediaType == "application/problem+json")
                #expect(try decodeBody(ProblemDetails.self, from: response).status == 400)
            }
        }
    }

    @Test func originPolicyFromAllowedOrigins() async throws {
        try await withSwitchboardServer(configure: { $0.allowedOrigins = ["https://console.example.com"] }) { running in
            try await withBlockingIO {
                let forbidden = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/echo",
                    headers: RawHTTPClient.webSocketUpgradeHeaders([("Origin", "https://evil.example.com")]))
                #expect(forbidden.status == 403)
                #expect(forbidden.mediaType == "application/problem+json")
                let problem = try decodeBody(ProblemDetails.self, from: forbidden)
                #expect(problem.status == 403)
                #expect(problem.detail?.contains("https://evil.example.com") == true)

                // A look-alike that only shares a prefix is not the same origin.
                let lookalike = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/echo",
                    headers: RawHTTPClient.webSocketUpgradeHeaders([("Origin", "https://console.example.com.evil.net")])
                )
                #expect(lookalike.status == 403)

                let allowed = try RawWebSocketClient.connect(
                    port: running.port, headers: [("Origin", "https://console.example.com")])
                try allowed.sendText("hi")
                #expect(try allowed.readMessage().text == "hi")

                // Origins compare case-insensitively and without a trailing slash.
                _ = try RawWebSocketClient.connect(
                    port: running.port, headers: [("Origin", "HTTPS://Console.Example.com/")])

                // Non-browser clients send no Origin and are allowed.
                _ = try RawWebSocketClient.connect(port: running.port)
            }
        }
    }

    // MARK: Connection limit

    @Test func connectionLimitRefusesWith503AndReleasesSlotsOnClose() async throws {
        try await withSwitchboardServer(configure: { $0.webSocketMaxConnections = 2 }) { running in
            try await withBlockingIO {
                let first = try RawWebSocketClient.connect(port: running.port)
                let second = try RawWebSocketClient.connect(port: running.port)

                let refused = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/echo", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(refused.status == 503)
                #expect(refused.mediaType == "application/problem+json")
                let retryAfter = try #require(refused[header: "retry-after"].flatMap { Int($0) })
                #expect(retryAfter > 0)
                #expect(try decodeBody(ProblemDetails.self, from: refused).status == 503)

                // The refused attempt holds no slot: still refused, not a third connection.
                #expect(running.server.webSocketServer.registry.count(route: "/v1/echo") == 2)

                // Closing one frees its slot once the server sees the channel close.
                try first.sendClose(code: 1000)
                try first.expectClose(code: 1000)
                first.close()
                let released = eventually { running.server.webSocketServer.registry.count(route: "/v1/echo") < 2 }
                #expect(released, "the closed connection's slot was not released")

                let third = try RawWebSocketClient.connect(port: running.port)
                try third.sendText("third")
                #expect(try third.readMessage().text == "third")
                try second.sendText("second")
                #expect(try second.readMessage().text == "second")

                // Full again.
                let refusedAgain = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/echo", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(refusedAgain.status == 503)
            }
        }
    }

    /// A peer that goes away without a closing handshake (crashed tab, killed process: the kernel
    /// sends FIN) must not hold its slot until the next keepalive ping (20 s by default).
    @Test(arguments: [false, true])
    func peerLeavingWithoutCloseFrameReleasesItsSlot(halfCloseOnly: Bool) async throws {
        try await withSwitchboardServer(configure: { $0.webSocketMaxConnections = 1 }) { running in
            try await withBlockingIO {
                let first = try RawWebSocketClient.connect(port: running.port)
                try first.sendText("x")
                #expect(try first.readMessage().text == "x")
                if halfCloseOnly {
                    first.socket.shutdownWrite()  // FIN, but still reading
                    #expect(
                        first.waitForTCPClose(timeout: .seconds(2)), "the server kept a connection whose peer sent FIN")
                } else {
                    first.close()
                }
                let released = eventually { running.server.webSocketServer.registry.count(route: "/v1/echo") == 0 }
                #expect(released, "the slot of a peer that sent FIN was not released within 2 s")
                let second = try RawWebSocketClient.connect(port: running.port)
                try second.sendText("y")
                #expect(try second.readMessage().text == "y")
            }
        }
    }

    // MARK: Handshake timeout

    @Test(arguments: ["", "GET /hea", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
    func incompleteFirstRequestIsClosedAfterHandshakeTimeout(partial: String) async throws {
        try await withSwitchboardServer(configure: { $0.handshakeTimeout = .milliseconds(300) }) { running in
            try await withBlockingIO {
                let socket = try RawSocket(port: running.port)
                defer { socket.close() }
                let started = ContinuousClock.now
                if !partial.isEmpty { try socket.send(Array(partial.utf8)) }
                var closed = false
                while ContinuousClock.now - started < .seconds(5) {
                    switch try socket.receive(timeout: .seconds(5)) {
                    case .bytes: continue
                    case .endOfStream: closed = true
                    case .timedOut: break
                    }
                    break
                }
                let elapsed = ContinuousClock.now - started
                #expect(closed, "the connection was still open after \(elapsed)")
                #expect(elapsed >= .milliseconds(250), "closed before the handshake timeout: \(elapsed)")
                // 3 s, not 1 s: CI's pass 1 once held this process for 1 s, closing two cases at 1.31 s.
                // Any other timeout that could close the connection is a minute or more.
                #expect(elapsed < .seconds(3), "closed too late: \(elapsed)")
            }
        }
    }

    @Test func handshakeTimeoutDoesNotCloseAnIdleKeepAliveConnection() async throws {
        // 1 s, not 300 ms: the client's connect and first request must fit inside it, and CI's
        // pass 1 once held the client thread long enough for the server to close it in between.
        try await withSwitchboardServer(configure: { $0.handshakeTimeout = .seconds(1) }) { running in
            try await withBlockingIO {
                let http = try RawHTTPClient(port: running.port)
                #expect(try http.request("GET", "/health").status == 200)
                #expect(
                    !http.waitForClose(timeout: .seconds(2)),
                    "closed by the handshake timeout after its first request")
                #expect(try http.request("GET", "/health").status == 200)
            }
        }
    }

    @Test func handshakeTimeoutDoesNotCloseAnUpgradedWebSocket() async throws {
        // 1 s, not 300 ms: the client's own connect and upgrade must fit inside it, and pass 1's
        // load once held the client thread longer than 300 ms between them.
        try await withSwitchboardServer(configure: { $0.handshakeTimeout = .seconds(1) }) { running in
            try await withBlockingIO {
                let webSocket = try RawWebSocketClient.connect(port: running.port)
                #expect(try webSocket.nextFrame(within: .seconds(2)) == nil)
                try webSocket.sendText("still here")
                #expect(try webSocket.readMessage().text == "still here")
            }
        }
    }

    // MARK: Graceful drain

    @Test func drainClosesWebSocketsWith1001AndRefusesNewUpgrades() async throws {
        // Long close and drain timeouts keep the drain waiting for the clients, so the checks during it
        // are deterministic: under pass 1's load this test once took 19 s, and a 5 s drain timeout ran
        // out before the last client's close was read.
        try await withSwitchboardServer(configure: { $0.webSocketCloseTimeout = .seconds(30) }) { running in
            let webSocketServer = running.server.webSocketServer
            try await withBlockingIO {
                let clients = try (0..<3).map { _ in try RawWebSocketClient.connect(port: running.port) }
                for (index, client) in clients.enumerated() {
                    try client.sendText("hello \(index)")
                    #expect(try client.readMessage().text == "hello \(index)")
                }
                #expect(webSocketServer.registry.count == 3)

                let drain = Task { await webSocketServer.drain(timeout: .seconds(30)) }
                defer { drain.cancel() }
                for client in clients {
                    let close = try client.expectClose(code: 1001, timeout: .seconds(2))
                    #expect(close.code == 1001)
                }

                // Still draining (the clients have not answered): new upgrades get 503, /ready too.
                let refused = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/echo", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(refused.status == 503)
                #expect(refused[header: "retry-after"] != nil)
                #expect(refused.mediaType == "application/problem+json")
                #expect(try RawHTTPClient.request(port: running.port, "GET", "/ready").status == 503)

                let answered = ContinuousClock.now
                for client in clients {
                    try client.sendClose(code: 1001)
                    #expect(client.waitForTCPClose(timeout: .seconds(2)))
                }
                await drain.value
                #expect(
                    ContinuousClock.now - answered < .seconds(2), "the drain did not end once every client had closed")
                #expect(webSocketServer.registry.count == 0)
            }
        }
    }

    @Test func gracefulShutdownClosesWebSocketsWith1001AndRefusesNewUpgrades() async throws {
        try await withSwitchboardServer(configure: { $0.webSocketCloseTimeout = .seconds(5) }) { running in
            try await withBlockingIO {
                let clients = try (0..<3).map { _ in try RawWebSocketClient.connect(port: running.port) }
                for client in clients {
                    try client.sendText("ping")
                    #expect(try client.readMessage().text == "ping")
                }

                let shutdown = Task { await running.shutDown() }
                for client in clients {
                    try client.expectClose(code: 1001, timeout: .seconds(2))
                }
                // The drain runs before the listener stops, so a late upgrade gets a clear 503.
                let refused = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/echo", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(refused.status == 503)
                #expect(refused[header: "retry-after"] != nil)

                for client in clients {
                    try client.sendClose(code: 1001)
                    #expect(client.waitForTCPClose(timeout: .seconds(2)))
                }
                await shutdown.value
            }
        }
    }

    @Test func drainClosesClientsThatNeverAnswerAfterTheCloseTimeout() async throws {
        try await withSwitchboardServer(configure: { $0.webSocketCloseTimeout = .milliseconds(300) }) { running in
            let webSocketServer = running.server.webSocketServer
            try await withBlockingIO {
                let client = try RawWebSocketClient.connect(port: running.port)
                let started = ContinuousClock.now
                let drain = Task { await webSocketServer.drain(timeout: .seconds(5)) }
                defer { drain.cancel() }
                try client.expectClose(code: 1001, timeout: .seconds(2))
                #expect(client.waitForTCPClose(timeout: .seconds(2)), "the server never closed a silent client")
                await drain.value
                #expect(ContinuousClock.now - started < .seconds(2))
                #expect(webSocketServer.registry.count == 0)
            }
        }
    }
}
