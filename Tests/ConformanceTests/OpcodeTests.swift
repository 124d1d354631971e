import SwitchboardTestSupport
import Testing

/// Autobahn 4.x: reserved opcodes, data (3-7) and control (11-15), fail the connection with 1002.
@Suite("4.x Opcodes")
struct OpcodeTests {
    static let reservedOpcodes: [RawOpcode] = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]

    @Test("4.1.1/4.2.1 reserved opcode without payload fails with 1002", arguments: reservedOpcodes)
    func reservedEmpty(opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            client.trySend([ClientFrame(opcode: opcode)])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    /// 4.1.3/4.2.3: the trailing ping must go unanswered. The valid message is echoed before
    /// the bad frame is sent, since a server may fail the connection before an async echo.
    @Test("4.x.2-4.x.4 message echoed; then reserved opcode with payload and ping: 1002", arguments: reservedOpcodes)
    func reservedWithPayload(opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .text, "Hello, world!".bytes)
            client.trySend([ClientFrame(opcode: opcode, payload: "reserved payload".bytes), .ping("ping".bytes)])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("4.1.5/4.2.5 reserved opcode written one byte at a time fails with 1002", arguments: [RawOpcode(7), 15])
    func reservedBytewise(opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            try client.sendText("Hello, world!")
            try expectEcho(client, .text, "Hello, world!".bytes)
            client.trySend([ClientFrame(opcode: opcode, payload: "reserved".bytes), .ping()], split: .bytewise)
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }
}
