import SwitchboardTestSupport
import Testing

/// Autobahn 3.x: with no extension negotiated, any RSV bit set fails the connection with 1002 —
/// and nothing sent after the bad frame is processed.
@Suite("3.x Reserved bits")
struct ReservedBitsTests {
    /// Each RSV combination on a different kind of frame, as Autobahn 3.1-3.7 does.
    static let cases: [(rsv: UInt8, opcode: RawOpcode)] = [
        (0b100, .text), (0b010, .text), (0b110, .text), (0b001, .text),
        (0b101, .binary), (0b011, .ping), (0b111, .close),
    ]

    @Test("3.1-3.7 frame with RSV bits fails with 1002", arguments: cases)
    func reservedBits(rsv: UInt8, opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            let payload = opcode == .close ? [0x03, 0xE8] : "with rsv".bytes
            client.trySend([ClientFrame(opcode: opcode, payload: payload, rsv: rsv)])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    /// 3.2-3.4: the ping after the bad frame must go unanswered. Autobahn also puts the valid
    /// message in the same write, but whether its echo beats the failure depends on the server's
    /// (legitimately) asynchronous echo path, so it is awaited first.
    @Test(
        "3.2-3.4 message echoed; then RSV frame and ping: 1002 and no pong",
        arguments: [
            WriteSplit.oneWrite, .perFrame(pause: .milliseconds(20)), .bytewise,
        ])
    func nothingProcessedAfterViolation(split: WriteSplit) async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .text, "Hello, world!".bytes)
            client.trySend(
                [
                    ClientFrame(opcode: .text, payload: "Hello, world!".bytes, rsv: 0b010),
                    .ping("ping".bytes),
                ], split: split)
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("RSV bit on a continuation frame fails with 1002")
    func reservedBitOnContinuation() async throws {
        try await withEchoClient { client in
            client.trySend([
                .text("frag", fin: false),
                ClientFrame(opcode: .continuation, payload: "ment".bytes, rsv: 0b100),
            ])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }
}
