import NIOCore
import Testing

@testable import LoadGenerator

/// The generator checks the server's `101` the way a strict client would.
@Suite struct ClientHandshakeTests {
    @Test func acceptMatchesRFC6455Example() {
        // RFC 6455 section 1.3.
        #expect(ClientHandshake.accept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func requestIsAnUpgradeWithTheKey() {
        let handshake = ClientHandshake(keyBytes: Array(repeating: 1, count: 16))
        var buffer = ByteBuffer()
        handshake.writeRequest(host: "127.0.0.1", port: 8080, path: "/v1/media", into: &buffer)
        let text = String(buffer: buffer)
        #expect(text.hasPrefix("GET /v1/media HTTP/1.1\r\n"))
        #expect(text.contains("\r\nHost: 127.0.0.1:8080\r\n"))
        #expect(text.contains("\r\nUpgrade: websocket\r\n"))
        #expect(text.contains("\r\nSec-WebSocket-Key: \(handshake.key)\r\n"))
        #expect(text.contains("\r\nSec-WebSocket-Version: 13\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    private func response(
        _ handshake: ClientHandshake, accept: String? = nil, status: String = "101 Switching Protocols"
    )
        -> String
    {
        "HTTP/1.1 \(status)\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(accept ?? handshake.expectedAccept)\r\n\r\n"
    }

    @Test func acceptsAGood101AndLeavesWhatFollows() {
        let handshake = ClientHandshake(keyBytes: Array(0..<16))
        let text = self.response(handshake)
        let buffer = ByteBuffer(string: text + "\u{81}\u{0}")
        #expect(handshake.check(buffer) == .accepted(responseLength: text.utf8.count))
    }

    @Test func waitsForTheWholeHead() {
        let handshake = ClientHandshake(keyBytes: Array(0..<16))
        let text = self.response(handshake)
        #expect(handshake.check(ByteBuffer(string: String(text.dropLast(2)))) == .incomplete)
    }

    @Test func refusesWrongAcceptAndOtherStatuses() {
        let handshake = ClientHandshake(keyBytes: Array(0..<16))
        guard case .rejected(let reason) = handshake.check(ByteBuffer(string: self.response(handshake, accept: "x")))
        else {
            Issue.record("wrong accept passed")
            return
        }
        #expect(reason.contains("Accept"))
        let notFound = "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
        #expect(handshake.check(ByteBuffer(string: notFound)) == .rejected("upgrade refused: HTTP 404 Not Found"))
    }
}
