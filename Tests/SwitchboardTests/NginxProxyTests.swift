import Core
import Foundation
import SwitchboardTestSupport
import Testing

/// The production nginx config (`nginx/switchboard.conf`) in front of a real Switchboard: nginx runs as
/// a child process on loopback, proxying to a server running in this process.
@Suite(.timeLimit(.minutes(1)))
struct NginxProxyTests {
    /// Runs `body` with a Switchboard server and nginx in front of it, on a blocking-IO thread.
    static func behindNginx(
        configure: (inout SwitchboardConfiguration) -> Void = { _ in },
        _ body: @Sendable (RunningServer, NginxProcess) async throws -> Void
    ) async throws {
        try await withSwitchboardServer(configure: configure) { running in
            try await withBlockingIO {
                let nginx = try NginxProcess.start(upstreamPort: running.port)
                defer { nginx.stop() }
                do {
                    try await body(running, nginx)
                } catch {
                    throw ProcessTestError("\(error)\nnginx's log:\n\(nginx.errorLog)")
                }
            }
        }
    }

    @Test func healthIsAnsweredBySwitchboard() async throws {
        try await Self.behindNginx { _, nginx in
            let response = try RawHTTPClient.request(port: nginx.port, "GET", "/health")
            #expect(response.status == 200)
            #expect(response.mediaType == "application/json")
            #expect(response.jsonObject?["status"] as? String == "ok", "body: \(response.body)")
            // nginx replaces the upstream's Server field: proof the answer went through it.
            #expect(response[header: "server"] == "nginx")
        }
    }

    @Test func keepAliveToTheClientAndToTheUpstream() async throws {
        try await Self.behindNginx { running, nginx in
            let client = try RawHTTPClient(port: nginx.port)
            defer { client.close() }
            let first = try client.request("GET", "/health")
            let second = try client.request("GET", "/ready")
            #expect(first.status == 200)
            #expect(second.status == 200, "body: \(second.body)")
            #expect(first[header: "connection"]?.lowercased() != "close")

            // Upstream: every request so far, and one more from another client, rode one pooled
            // connection. A `Connection: close` to the upstream would leave none open.
            let third = try RawHTTPClient.request(port: nginx.port, "GET", "/health")
            #expect(third.status == 200)
            let connections = Self.waitForAcceptedConnections(onPort: running.port, count: 1)
            #expect(connections.count == 1, "connections to Switchboard from nginx's side: \(connections)")
        }
    }

    @Test func webSocketEchoesThroughNginx() async throws {
        try await Self.behindNginx { running, nginx in
            // Fill nginx's keep-alive pool first: the upgrade must still get a fresh upstream connection,
            // because Switchboard upgrades only the first request of a connection.
            for _ in 0..<2 {
                #expect(try RawHTTPClient.request(port: nginx.port, "GET", "/health").status == 200)
            }
            #expect(Self.waitForAcceptedConnections(onPort: running.port, count: 1).count == 1)

            // connect checks the 101, Upgrade, Connection and Sec-WebSocket-Accept.
            let client = try RawWebSocketClient.connect(port: nginx.port, path: "/v1/echo")
            #expect(client.handshakeResponse.status == 101)

            try client.sendText("hello through nginx")
            let text = try client.readMessage()
            #expect(text.opcode == .text)
            #expect(text.text == "hello through nginx")

            let bytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFF]
            try client.sendBinary(bytes)
            let binary = try client.readMessage()
            #expect(binary.opcode == .binary)
            #expect(binary.payload == bytes)

            let large = (0..<(256 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            try client.sendBinary(large)
            let echoed = try client.readMessage(timeout: .seconds(10))
            #expect(echoed.opcode == .binary)
            #expect(echoed.payload.count == large.count)
            #expect(echoed.payload == large, "the 256 KiB message came back altered")

            try client.sendClose(code: 1000)
            #expect(try client.expectClose(code: 1000).code == 1000)
            #expect(client.waitForTCPClose(timeout: .seconds(3)), "nginx kept the client connection open")
        }
    }

    @Test func plainGetOnAWebSocketPathGets426() async throws {
        try await Self.behindNginx { _, nginx in
            let response = try RawHTTPClient.request(port: nginx.port, "GET", "/v1/echo")
            #expect(response.status == 426)
            #expect(response.mediaType == "application/problem+json")
            #expect(response.jsonObject?["status"] as? Int == 426, "body: \(response.body)")
            #expect(response[header: "upgrade"]?.lowercased() == "websocket", "headers: \(response.headers)")
        }
    }

    @Test func gracefulShutdownClosesWebSocketsWith1001ThroughNginx() async throws {
        // A long close timeout keeps the drain waiting for the client, so the 503 check is deterministic.
        try await Self.behindNginx(configure: { $0.webSocketCloseTimeout = .seconds(5) }) { running, nginx in
            let client = try RawWebSocketClient.connect(port: nginx.port, path: "/v1/echo")
            try client.sendText("before the drain")
            #expect(try client.readMessage().text == "before the drain")

            let shutdown = Task { await running.shutDown() }
            defer { shutdown.cancel() }
            let close = try client.expectClose(code: 1001, timeout: .seconds(3))
            #expect(close.code == 1001)

            // Draining: a new upgrade through nginx gets Switchboard's 503 with Retry-After, not a 502.
            let refused = try RawHTTPClient.request(
                port: nginx.port, "GET", "/v1/echo", headers: RawHTTPClient.webSocketUpgradeHeaders())
            #expect(refused.status == 503, "body: \(refused.body)")
            #expect(refused[header: "retry-after"] != nil)
            #expect(refused.mediaType == "application/problem+json")

            try client.sendClose(code: 1001)
            #expect(client.waitForTCPClose(timeout: .seconds(3)), "nginx kept the client connection open")
            await shutdown.value
        }
    }

    // MARK: Upstream connections

    /// Waits up to `timeout` until exactly `count` established TCP connections were accepted on
    /// `127.0.0.1:port`, and returns the peer ports of those open at the end.
    static func waitForAcceptedConnections(
        onPort port: Int, count: Int, timeout: Duration = .seconds(2)
    ) -> [Int] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let connections = acceptedConnections(onPort: port)
            if connections.count == count || ContinuousClock.now >= deadline { return connections }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// The peer ports of the established connections whose local end is `127.0.0.1:port`, from
    /// `/proc/net/tcp` (the server runs in this process, so its sockets are in this network namespace).
    static func acceptedConnections(onPort port: Int) -> [Int] {
        // Read to the end: String(contentsOfFile:) stops after the first chunk of a /proc file.
        guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp"), let data = try? file.readToEnd() else {
            return []
        }
        try? file.close()
        let table = String(decoding: data, as: UTF8.self)
        let local = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").dropFirst().compactMap { line in
            // "sl local_address rem_address st ...", addresses as hex "IP:PORT"; st 01 is ESTABLISHED.
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[1] == local, fields[3] == "01" else { return nil }
            return fields[2].split(separator: ":").last.flatMap { Int($0, radix: 16) }
        }
    }
}
