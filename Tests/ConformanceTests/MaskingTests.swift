import SwitchboardTestSupport
import Testing

/// RFC 6455 §5.1: every client frame must be masked; the server must close on an unmasked one.
/// Any 32-bit key is legal, including zero. (Server frames never being masked is checked after
/// every test by `withEchoClient`.)
@Suite("Masking")
struct MaskingTests {
    @Test(
        "unmasked client frame fails with 1002",
        arguments: [
            ClientFrame(opcode: .text, payload: "unmasked".bytes, masking: .unmasked),
            ClientFrame(opcode: .binary, payload: [1, 2, 3], masking: .unmasked),
            ClientFrame(opcode: .ping, payload: "unmasked".bytes, masking: .unmasked),
            ClientFrame(opcode: .close, payload: [0x03, 0xE8], masking: .unmasked),
        ])
    func unmaskedRejected(frame: ClientFrame) async throws {
        try await withEchoClient { client in
            client.trySend([frame])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("unmasked continuation of a masked fragment fails with 1002")
    func unmaskedContinuation() async throws {
        try await withEchoClient { client in
            client.trySend([
                .text("masked", fin: false),
                ClientFrame(opcode: .continuation, payload: "unmasked".bytes, masking: .unmasked),
            ])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("valid message, then unmasked frame: echo, then 1002")
    func unmaskedAfterValid() async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .binary, [9, 8, 7])
            client.trySend([ClientFrame(opcode: .binary, payload: [1], masking: .unmasked)])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("any mask key is accepted", arguments: [0x0000_0000, 0xFFFF_FFFF, 0x0102_0304, 0x8000_0001] as [UInt32])
    func fixedKeys(key: UInt32) async throws {
        try await withEchoClient { client in
            let payload = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
            try client.send(ClientFrame(opcode: .binary, payload: payload, masking: .key(key)))
            try expectEcho(client, .binary, payload)
        }
    }
}
