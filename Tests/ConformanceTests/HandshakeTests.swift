import SwitchboardTestSupport
import Testing

/// RFC 6455 §4.2: the opening handshake on `/v1/echo` and the ways it is refused.
@Suite("Opening handshake")
struct HandshakeTests {
    /// A request with every required field, minus those named in `omitting`, plus `extra` lines.
    static func request(
        method: String = "GET", path: String = "/v1/echo", version: String = "13",
        omitting: Set<String> = [], extra: [String] = []
    ) -> String {
        let fields: [(String, String)] = [
            ("Host", "127.0.0.1"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", version),
        ]
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in fields where !omitting.contains(name) { text += "\(name): \(value)\r\n" }
        for line in extra { text += line + "\r\n" }
        return text + "\r\n"
    }

    /// Guards the test support itself: a wrong SHA-1 would fail every other test confusingly.
    @Test("SHA-1 and accept value match published vectors")
    func acceptComputation() {
        #expect(RawHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        // FIPS 180 examples: one block, and two blocks because the padding does not fit.
        #expect(Self.hex(TestSHA1.digest("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            Self.hex(TestSHA1.digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Self.hex(TestSHA1.digest([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("valid upgrade is answered with 101 and the right accept value")
    func validUpgrade() async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(port: port, requestText: Self.request())
            #expect(response.status == 101)
            #expect(response.headers["upgrade"]?.lowercased() == "websocket")
            #expect(response.headers["connection"]?.lowercased().contains("upgrade") == true)
            #expect(response.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            // No extension was offered, so none may be accepted (RFC 6455 §9.1).
            #expect(response.headers["sec-websocket-extensions"] == nil)
        }
    }

    /// Browsers send e.g. `Connection: keep-alive, Upgrade` and vary header-name case.
    @Test("header names and tokens are matched case-insensitively")
    func caseInsensitiveHeaders() async throws {
        try await withEchoServerPort { port in
            let client = try RawWebSocketClient.connect(
                port: port,
                headers: [
                    ("upgrade", "WebSocket"), ("CONNECTION", "keep-alive, Upgrade"),
                ])
            defer { client.close() }
            try expectRoundTrip(client, .text, "hi".bytes)
        }
    }

    @Test("wrong Sec-WebSocket-Version gives 426 naming version 13", arguments: ["8", "12", "14", "abc"])
    func wrongVersion(version: String) async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(port: port, requestText: Self.request(version: version))
            #expect(response.status == 426)
            #expect(response.headers["sec-websocket-version"] == "13")
        }
    }

    @Test("missing Sec-WebSocket-Version is refused")
    func missingVersion() async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(
                port: port, requestText: Self.request(omitting: ["Sec-WebSocket-Version"]))
            #expect((400..<500).contains(response.status))
        }
    }

    @Test("missing Sec-WebSocket-Key gives 400")
    func missingKey() async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(
                port: port, requestText: Self.request(omitting: ["Sec-WebSocket-Key"]))
            #expect(response.status == 400)
        }
    }

    @Test("upgrade with a method other than GET is refused with 4xx", arguments: ["POST", "PUT", "DELETE"])
    func nonGetRefused(method: String) async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(
                port: port, requestText: Self.request(method: method, extra: ["Content-Length: 0"]))
            #expect((400..<500).contains(response.status))
        }
    }

    @Test("plain GET of the WebSocket path without upgrade gives 426")
    func plainGet() async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(
                port: port, requestText: "GET /v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(response.status == 426)
        }
    }

    @Test("upgrade to an unknown path gives 404")
    func unknownPath() async throws {
        try await withEchoServerPort { port in
            let response = try RawWebSocketClient.rawHandshake(
                port: port, requestText: Self.request(path: "/v1/no-such-endpoint"))
            #expect(response.status == 404)
        }
    }

    /// Bytes right behind the request head must reach the WebSocket layer, not be dropped
    /// while the pipeline is reconfigured for the upgrade.
    @Test("frames sent in the same write as the upgrade request are processed")
    func framePipelinedWithUpgrade() async throws {
        try await withEchoServerPort { port in
            let frames = ClientFrame.text("early").encoded() + ClientFrame.binary([1, 2, 3]).encoded()
            let client = try RawWebSocketClient.connect(port: port, pipelined: frames)
            defer { client.close() }
            try expectEcho(client, .text, "early".bytes)
            try expectEcho(client, .binary, [1, 2, 3])
        }
    }
}
