import Core
import Foundation
import Media
import SwitchboardTestSupport
import Testing

@Suite("X-Twilio-Signature on the media upgrade")
struct SignatureTests {
    static let token = "12345abcdef-test-token"

    static func signature(_ url: String, token: String = SignatureTests.token) -> String {
        Base64.encode(HMACSHA1.authenticationCode(key: Array(token.utf8), message: Array(url.utf8)))
    }

    private func withSignedServer(_ body: @Sendable (RunningServer) async throws -> Void) async throws {
        try await withSwitchboardServer(configure: {
            $0.twilioAuthToken = Self.token
            $0.publicURL = "https://switchboard.example.com"
        }) { server in try await body(server) }
    }

    @Test(
        "A signature over the public URL, with or without :443, opens the stream",
        arguments: ["wss://switchboard.example.com/v1/media", "wss://switchboard.example.com:443/v1/media"])
    func validSignature(url: String) async throws {
        try await self.withSignedServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port, headers: [("X-Twilio-Signature", Self.signature(url))])
                try call.start(app: "echo")
                let frame = toneFrame(seed: 1)
                try call.sendMedia(frame)
                #expect(TwilioTestCall.audio(of: try call.readEvent()) == frame)
            }
        }
    }

    @Test(
        "A wrong or missing signature gets 403 problem+json before the upgrade",
        arguments: [
            ("X-Twilio-Signature", SignatureTests.signature("wss://switchboard.example.com/v1/media", token: "other")),
            ("X-Twilio-Signature", SignatureTests.signature("wss://127.0.0.1/v1/media")),
            ("X-Twilio-Signature", "not base64 !!"),
            ("X-Not-The-Signature", "x"),
        ])
    func invalidSignature(header: String, value: String) async throws {
        try await self.withSignedServer { server in
            try await withBlockingIO {
                let response = try RawWebSocketClient.rawHandshake(
                    port: server.port,
                    requestText:
                        "GET /v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "\(header): \(value)\r\n\r\n"
                )
                #expect(response.status == 403)
                #expect(response.headers["content-type"] == "application/problem+json")
                #expect(response.body.contains("X-Twilio-Signature"))
            }
            #expect(server.metricsText().contains("switchboard_media_signature_rejected_total 1"))
        }
    }

    @Test("Without TWILIO_AUTH_TOKEN no signature is needed")
    func noTokenNoCheck() async throws {
        try await withSwitchboardServer { server in
            try await withBlockingIO {
                let call = try TwilioTestCall(port: server.port)
                try call.start(app: "echo")
                try call.sendMedia([1])
                #expect(TwilioTestCall.audio(of: try call.readEvent()) == [1])
            }
        }
    }
}
