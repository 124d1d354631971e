import Core
import Foundation
import Media
import SwitchboardTestSupport
import Testing

@Suite("Media stream protocol errors over loopback")
struct MediaProtocolTests {
    @Test("A binary frame closes the stream with 1003")
    func binaryFrame() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "echo")
                try call.client.sendBinary([1, 2, 3])
                try call.client.expectClose(code: 1003)
            }
        }
    }

    @Test("A message over 64 KiB closes the stream with 1009")
    func tooBig() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "echo")
                try call.sendMedia([UInt8](repeating: 0xFF, count: 50_000))  // ~66.8 KB of base64
                try call.client.expectClose(code: 1009)
            }
        }
    }

    @Test("Text that is not JSON closes the stream with 1007")
    func notJSON() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.client.sendText("hello, not json")
                #expect(try call.client.expectClose(code: 1007).reason == "not a JSON object")
                let truncated = try TwilioTestCall(port: server.port)
                try truncated.client.sendText(#"{"event":"media","media":{"payload":"#)
                #expect(try truncated.client.expectClose(code: 1007).reason.hasPrefix("not JSON: JSON ends early"))
            }
        }
    }

    @Test("No start within MEDIA_START_TIMEOUT closes the stream with 1008")
    func noStart() async throws {
        try await withSwitchboardServer(configure: { $0.mediaStartTimeout = .milliseconds(300) }) { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                let started = ContinuousClock.now
                let close = try call.client.expectClose(code: 1008, timeout: .seconds(5))
                #expect(close.reason == "no start event in time")
                #expect(ContinuousClock.now - started >= .milliseconds(250))
            }
        }
    }

    @Test("An app that does not exist closes the stream with 1008 naming it")
    func unknownApp() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "karaoke")
                let close = try call.client.expectClose(code: 1008)
                #expect(close.reason == "unknown app 'karaoke'")
            }
        }
    }

    @Test("Unknown events, media before start and bad payloads are counted and skipped; the stream goes on")
    func oddMessagesAreSkipped() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.client.sendText(#"{"event":"media","media":{"payload":"//8="}}"#)  // before start
                try call.start(app: "echo")
                try call.client.sendText(#"{"event":"transcription","sequenceNumber":"3","text":"hi"}"#)
                try call.client.sendText(#"{"event":"media","sequenceNumber":"4","media":{"payload":"!!!"}}"#)
                try call.client.sendText(#"{"sequenceNumber":"5"}"#)
                let frame = toneFrame(seed: 3)
                try call.sendMedia(frame)
                #expect(TwilioTestCall.audio(of: try call.readEvent()) == frame)
            }
            let metrics = server.metricsText()
            #expect(metrics.contains(#"switchboard_media_messages_ignored_total{reason="unknown_event"} 1"#))
            #expect(metrics.contains(#"switchboard_media_messages_ignored_total{reason="before_start"} 1"#))
            #expect(metrics.contains("switchboard_media_messages_malformed_total 2"))
        }
    }

    @Test("ALLOWED_ORIGINS guards browser endpoints, not the provider endpoint")
    func originsDoNotApplyToProviders() async throws {
        try await withSwitchboardServer(configure: { $0.allowedOrigins = ["https://console.example.com"] }) {
            server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port, headers: [("Origin", "https://elsewhere.example")])
                try call.start(app: "echo")
                try call.sendMedia([7])
                #expect(TwilioTestCall.audio(of: try call.readEvent()) == [7])
                // The same origin on /v1/echo is refused, so the setting is in force.
                #expect(throws: RawWebSocketError.self) {
                    try RawWebSocketClient.connect(
                        port: server.port, path: "/v1/echo", headers: [("Origin", "https://elsewhere.example")])
                }
            }
        }
    }

    @Test("The default app serves streams that name none")
    func defaultApp() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: nil)
                let frame = toneFrame(seed: 9)
                try call.sendMedia(frame)
                #expect(TwilioTestCall.audio(of: try call.readEvent()) == frame)
            }
        }
    }
}
