import SwitchboardTestSupport
import Testing

/// Autobahn 2.x: pings are answered with pongs carrying the same payload; pongs are ignored;
/// control frames over 125 bytes fail the connection.
@Suite("2.x Ping/Pong")
struct PingPongTests {
    @Test(
        "2.1-2.4 ping answered by pong with the same payload",
        arguments: [
            [UInt8](),
            "Hello, world!".bytes,
            [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF],
            [UInt8](repeating: 0xFE, count: 125),
        ])
    func pingAnswered(payload: [UInt8]) async throws {
        try await withEchoClient { client in
            try client.send(.ping(payload))
            let pong = try client.readFrame()
            #expect(pong.opcode == .pong)
            #expect(pong.fin)
            #expect(pong.payload == payload)
        }
    }

    @Test("2.5 ping with 126-byte payload fails with 1002")
    func oversizedPing() async throws {
        try await withEchoClient { client in
            client.trySend([.ping([UInt8](repeating: 0xFE, count: 126))])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("2.6 125-byte ping written one byte at a time is answered")
    func bytewisePing() async throws {
        try await withEchoClient { client in
            let payload = [UInt8](repeating: 0xFE, count: 125)
            try client.send(.ping(payload), split: .bytewise)
            let pong = try client.readFrame()
            #expect(pong.opcode == .pong)
            #expect(pong.payload == payload)
        }
    }

    @Test("2.7/2.8 unsolicited pong is ignored", arguments: [[UInt8](), "unsolicited pong payload".bytes])
    func unsolicitedPong(payload: [UInt8]) async throws {
        try await withEchoClient { client in
            try client.send(.pong(payload))
            // readMessage fails on any control frame, so an answer to the pong would show here.
            try expectRoundTrip(client, .text, "after pong".bytes)
        }
    }

    @Test("2.9 unsolicited pong then ping: only the ping is answered")
    func pongThenPing() async throws {
        try await withEchoClient { client in
            try client.send([.pong("unsolicited pong payload".bytes), .ping("ping payload".bytes)])
            let pong = try client.readFrame()
            #expect(pong.opcode == .pong)
            #expect(pong.payload == "ping payload".bytes)
            #expect(try client.nextFrame(within: .milliseconds(200)) == nil)
        }
    }

    /// RFC 6455 §5.5.3 lets a busy endpoint answer only the latest ping; Autobahn (and we)
    /// still expect every ping answered, in order.
    @Test("2.10/2.11 ten pings in a row are each answered, in order", arguments: [WriteSplit.oneWrite, .bytewise])
    func tenPings(split: WriteSplit) async throws {
        try await withEchoClient { client in
            let payloads = (0..<10).map { "payload-\($0)".bytes }
            try client.send(payloads.map { ClientFrame.ping($0) }, split: split)
            for payload in payloads {
                let pong = try client.readFrame()
                #expect(pong.opcode == .pong)
                #expect(pong.payload == payload)
            }
        }
    }

    /// The pong may overtake the first echo: RFC 6455 does not order the two.
    @Test("ping between messages is answered and both messages echoed")
    func pingBetweenMessages() async throws {
        try await withEchoClient { client in
            try client.send([.text("one"), .ping("p".bytes), .binary([2])])
            let received = try client.readMessagesAndPongs(messages: 2, pongs: 1)
            #expect(received.pongs == ["p".bytes])
            #expect(received.messages.map(\.opcode) == [.text, .binary])
            #expect(received.messages.map(\.payload) == ["one".bytes, [2]])
        }
    }
}
