import Core
import Foundation
import REST
import Realtime
import SwitchboardTestSupport
import Testing

/// `/health`, `/ready` and `/metrics` through real HTTP on loopback.
@Suite struct SystemRoutesTests {
    @Test func healthReportsStatusVersionAndUptime() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: running.port, "GET", "/health")
                #expect(response.status == 200)
                #expect(response.mediaType == "application/json")
                let health = try decodeBody(HealthBody.self, from: response)
                #expect(health.status == "ok")
                #expect(health.version == SwitchboardVersion.current)
                #expect(health.version == "0.1.0")
                #expect(health.uptime_seconds >= 0 && health.uptime_seconds < 60)
            }
        }
    }

    @Test func uptimeGrows() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let first = try decodeBody(
                    HealthBody.self, from: RawHTTPClient.request(port: running.port, "GET", "/health"))
                pause(.milliseconds(50))
                let second = try decodeBody(
                    HealthBody.self, from: RawHTTPClient.request(port: running.port, "GET", "/health"))
                #expect(second.uptime_seconds > first.uptime_seconds)
            }
        }
    }

    @Test func readyWhenEveryCheckPasses() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: running.port, "GET", "/ready")
                #expect(response.status == 200)
                #expect(response.mediaType == "application/json")
                let readiness = try decodeBody(ReadinessBody.self, from: response)
                #expect(readiness.status == "ready")
                #expect(Set(readiness.checks.keys) == ["data_dir", "database", "websocket", "event_loops"])
                for (name, check) in readiness.checks {
                    #expect(check.ready, "check \(name) is not ready: \(check.detail)")
                }
                #expect(readiness.detail == nil)
                #expect(response[header: "retry-after"] == nil)
            }
        }
    }

    @Test func notReadyWhileWebSocketsDrain() async throws {
        try await withSwitchboardServer { running in
            // No connections are open, so the drain only flips the server into draining and returns.
            await running.server.webSocketServer.drain(timeout: .seconds(1))
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: running.port, "GET", "/ready")
                #expect(response.status == 503)
                #expect(response.mediaType == "application/problem+json")
                let retryAfter = try #require(response[header: "retry-after"].flatMap { Int($0) })
                #expect(retryAfter > 0)
                let readiness = try decodeBody(ReadinessBody.self, from: response)
                #expect(readiness.status == "not_ready")
                #expect(readiness.title == "Service Unavailable")
                #expect(readiness.type == "about:blank")
                #expect(readiness.detail?.contains("websocket") == true)
                #expect(readiness.checks["websocket"]?.ready == false)
                #expect(readiness.checks["websocket"]?.detail == "draining")
                #expect(readiness.checks["data_dir"]?.ready == true)
                #expect(readiness.checks["event_loops"]?.ready == true)

                // Liveness is not readiness: /health stays 200 while draining.
                let health = try RawHTTPClient.request(port: running.port, "GET", "/health")
                #expect(health.status == 200)
            }
        }
    }

    @Test func notReadyWhenDataDirectoryIsGone() async throws {
        let dataDirectory = temporaryPath("switchboard-rest-datadir")
        try await withSwitchboardServer(configure: { $0.dataDirectory = dataDirectory }) { running in
            try await withBlockingIO {
                // Deleting works even as root, where chmod would not stop writes.
                try FileManager.default.removeItem(atPath: dataDirectory)
                let response = try RawHTTPClient.request(port: running.port, "GET", "/ready")
                #expect(response.status == 503)
                #expect(response.mediaType == "application/problem+json")
                #expect(response[header: "retry-after"] != nil)
                let readiness = try decodeBody(ReadinessBody.self, from: response)
                #expect(readiness.status == "not_ready")
                #expect(readiness.checks["data_dir"]?.ready == false)
                #expect(readiness.checks["data_dir"]?.detail.contains(dataDirectory) == true)
                #expect(readiness.checks["websocket"]?.ready == true)
                #expect(readiness.detail?.contains("data_dir") == true)

                // Ready again once the directory is back. Readiness is judged afresh on every
                // request, and on a loaded machine the event-loop check may miss its limit once, so
                // a few tries are allowed; the data directory itself must be ready at once.
                try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
                var again = try RawHTTPClient.request(port: running.port, "GET", "/ready")
                #expect(try decodeBody(ReadinessBody.self, from: again).checks["data_dir"]?.ready == true)
                for _ in 0..<20 where again.status != 200 {
                    try await Task.sleep(for: .milliseconds(100))
                    again = try RawHTTPClient.request(port: running.port, "GET", "/ready")
                }
                #expect(again.status == 200, "\(again.body)")
            }
        }
    }

    @Test func notReadyWhenDataDirectoryIsARegularFile() async throws {
        let dataDirectory = temporaryPath("switchboard-rest-datadir")
        try await withSwitchboardServer(configure: { $0.dataDirectory = dataDirectory }) { running in
            try await withBlockingIO {
                try FileManager.default.removeItem(atPath: dataDirectory)
                #expect(FileManager.default.createFile(atPath: dataDirectory, contents: Data("x".utf8)))
                defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
                let response = try RawHTTPClient.request(port: running.port, "GET", "/ready")
                #expect(response.status == 503)
                let readiness = try decodeBody(ReadinessBody.self, from: response)
                #expect(readiness.checks["data_dir"]?.ready == false)
            }
        }
    }

    @Test func metricsArePrometheusText() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let response = try RawHTTPClient.request(port: running.port, "GET", "/metrics")
                #expect(response.status == 200)
                #expect(response.mediaType == "text/plain")
                #expect(response[header: "content-type"]?.contains("version=0.0.4") == true)
                let text = response.body
                for family in [
                    "switchboard_ws_connections", "switchboard_ws_messages_received_total",
                    "switchboard_ws_messages_sent_total", "switchboard_ws_upgrades_total",
                ] {
                    #expect(text.contains("# TYPE \(family) "), "no TYPE line for \(family) in:\n\(text)")
                }
                #expect(
                    prometheusSample("switchboard_ws_messages_received_total", ["route": "/v1/echo"], in: text) == 0)
                #expect(prometheusSample("switchboard_ws_upgrades_total", ["result": "accepted"], in: text) == 0)
                #expect(prometheusSample("switchboard_ws_connections", ["route": "/v1/echo"], in: text) == 0)
                // Every non-comment line is `series value`.
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    let parts = line.split(separator: " ")
                    #expect(parts.count >= 2 && Double(parts[1]) != nil, "bad sample line \(line)")
                }
            }
        }
    }

    @Test func metricsCountAWebSocketEchoRoundTrip() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let echo = ["route": "/v1/echo"]
                func metrics() throws -> String {
                    try RawHTTPClient.request(port: running.port, "GET", "/metrics").body
                }
                let client = try RawWebSocketClient.connect(port: running.port)
                try client.sendText("one")
                #expect(try client.readMessage().text == "one")
                try client.sendBinary([1, 2, 3])
                #expect(try client.readMessage().payload == [1, 2, 3])

                var text = ""
                // Counters are added once per read burst, which may end just after the echo left.
                let counted = try eventually {
                    text = try metrics()
                    return prometheusSample("switchboard_ws_messages_received_total", echo, in: text) == 2
                        && prometheusSample("switchboard_ws_messages_sent_total", echo, in: text) == 2
                }
                #expect(counted, "metrics after two echoed messages:\n\(text)")
                #expect(prometheusSample("switchboard_ws_upgrades_total", ["result": "accepted"], in: text) == 1)
                #expect(prometheusSample("switchboard_ws_connections", echo, in: text) == 1)

                try client.sendClose(code: 1000)
                try client.expectClose(code: 1000)
                #expect(client.waitForTCPClose(timeout: .seconds(2)))
                let closed = try eventually {
                    text = try metrics()
                    return prometheusSample("switchboard_ws_connections", echo, in: text) == 0
                }
                #expect(closed, "metrics after the close:\n\(text)")
                #expect(
                    prometheusSample(
                        "switchboard_ws_closes_total", ["route": "/v1/echo", "code": "1000", "initiator": "peer"],
                        in: text) == 1,
                    "metrics after the close:\n\(text)"
                )
                #expect(prometheusSample("switchboard_ws_messages_received_total", echo, in: text) == 2)
            }
        }
    }

    @Test func metricsCountRejectedUpgradesByReason() async throws {
        try await withSwitchboardServer { running in
            try await withBlockingIO {
                let refused = try RawHTTPClient.request(
                    port: running.port, "GET", "/v1/nope", headers: RawHTTPClient.webSocketUpgradeHeaders())
                #expect(refused.status == 404)
                let text = try RawHTTPClient.request(port: running.port, "GET", "/metrics").body
                #expect(
                    prometheusSample(
                        "switchboard_ws_upgrades_total", ["result": "rejected", "reason": "not_found"], in: text) == 1,
                    "metrics:\n\(text)"
                )
                #expect(prometheusSample("switchboard_ws_upgrades_total", ["result": "accepted"], in: text) == 0)
            }
        }
    }
}
