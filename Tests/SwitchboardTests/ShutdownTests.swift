import Foundation
import SwitchboardTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `switchboard serve` as a process: SIGTERM drains WebSockets with 1001 and exits 0 within the drain time.
@Suite struct ShutdownTests {
    /// The default `DRAIN_TIMEOUT`.
    static let drainTimeout = Duration.seconds(10)

    static func serve(_ extra: [String: String] = [:]) throws -> SwitchboardProcess {
        try SwitchboardProcess(
            arguments: ["serve"],
            environment: ["PORT": "0", "LOG_FORMAT": "json", "DATA_DIR": "data"].merging(extra) { _, new in new }
        )
    }

    @Test func sigtermClosesWebSocketsWith1001AndExitsZero() async throws {
        try await withBlockingIO {
            let server = try Self.serve()
            defer { server.stop() }
            let port = try server.waitForListeningPort()

            let health = try RawHTTPClient.request(port: port, "GET", "/health")
            #expect(health.status == 200)
            #expect(FileManager.default.fileExists(atPath: server.workingDirectory.appendingPathComponent("data").path))

            let clients = try (0..<2).map { _ in try RawWebSocketClient.connect(port: port) }
            for (index, client) in clients.enumerated() {
                try client.sendText("echo \(index)")
                #expect(try client.readMessage().text == "echo \(index)")
            }

            let signalled = ContinuousClock.now
            server.send(SIGTERM)
            for client in clients {
                let close = try client.expectClose(code: 1001, timeout: .seconds(5))
                #expect(close.code == 1001)
                try client.sendClose(code: 1001)
                #expect(client.waitForTCPClose(timeout: .seconds(5)))
            }
            let termination = server.waitForExit(timeout: Self.drainTimeout + .seconds(2))
            let elapsed = ContinuousClock.now - signalled
            #expect(termination == .exited(0), "stderr:\n\(server.standardError)")
            #expect(elapsed < Self.drainTimeout, "exit took \(elapsed)")
            let messages = server.standardErrorLines.compactMap { SwitchboardProcess.jsonObject($0)?["msg"] as? String }
            #expect(messages.contains("Switchboard stopped"), "log messages: \(messages)")
        }
    }

    @Test func sigtermExitsZeroWhenAClientNeverAnswersTheClose() async throws {
        try await withBlockingIO {
            let server = try Self.serve(["WS_CLOSE_TIMEOUT": "1"])
            defer { server.stop() }
            let port = try server.waitForListeningPort()

            let silent = try RawWebSocketClient.connect(port: port)
            try silent.sendText("hello")
            #expect(try silent.readMessage().text == "hello")
            let polite = try RawWebSocketClient.connect(port: port)

            let signalled = ContinuousClock.now
            server.send(SIGTERM)
            try silent.expectClose(code: 1001, timeout: .seconds(5))
            try polite.expectClose(code: 1001, timeout: .seconds(5))
            try polite.sendClose(code: 1001)
            // The silent client never answers: the server gives up after WS_CLOSE_TIMEOUT and closes TCP.
            #expect(silent.waitForTCPClose(timeout: .seconds(5)), "the server never closed the silent client")

            let termination = server.waitForExit(timeout: Self.drainTimeout + .seconds(2))
            let elapsed = ContinuousClock.now - signalled
            #expect(termination == .exited(0), "stderr:\n\(server.standardError)")
            #expect(elapsed < Self.drainTimeout, "exit took \(elapsed)")
            #expect(elapsed < .seconds(5), "WS_CLOSE_TIMEOUT=1 should bound the drain; exit took \(elapsed)")
        }
    }

    @Test func sigtermExitsZeroWithAnIdleKeepAliveHTTPConnectionOpen() async throws {
        try await withBlockingIO {
            let server = try Self.serve()
            defer { server.stop() }
            let port = try server.waitForListeningPort()

            // A load balancer's pooled connection: one request, then idle.
            let http = try RawHTTPClient(port: port)
            #expect(try http.request("GET", "/health").status == 200)

            let signalled = ContinuousClock.now
            server.send(SIGTERM)
            let termination = server.waitForExit(timeout: Self.drainTimeout + .seconds(2))
            let elapsed = ContinuousClock.now - signalled
            #expect(termination == .exited(0), "stderr:\n\(server.standardError)")
            #expect(elapsed < .seconds(5), "an idle keep-alive connection held up the shutdown for \(elapsed)")
            #expect(http.waitForClose(timeout: .seconds(1)))
        }
    }

    @Test func sigintAlsoShutsDownGracefully() async throws {
        try await withBlockingIO {
            let server = try Self.serve()
            defer { server.stop() }
            let port = try server.waitForListeningPort()
            let client = try RawWebSocketClient.connect(port: port)

            server.send(SIGINT)
            try client.expectClose(code: 1001, timeout: .seconds(5))
            try client.sendClose(code: 1001)
            #expect(
                server.waitForExit(timeout: Self.drainTimeout + .seconds(2)) == .exited(0),
                "stderr:\n\(server.standardError)")
        }
    }
}
