import SwitchboardTestSupport
import Testing

/// Autobahn 7.x: the closing handshake. A client close is answered with a close echoing the
/// code, then the server closes TCP; malformed close frames fail with 1002 (or 1007 for a bad
/// reason); nothing after the client's close is processed.
@Suite("7.x Close handling")
struct CloseTests {
    @Test("7.1.1 message then close 1000: echo, close 1000, TCP closed")
    func messageThenClose() async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .text, "Hello World!".bytes)
            try client.sendClose(code: CloseCode.normal)
            try client.expectClose(code: CloseCode.normal)
            #expect(client.waitForTCPClose())
        }
    }

    /// 7.1.2-7.1.4: whatever follows the close frame, even in the same write, is ignored.
    @Test(
        "7.1.2-7.1.4 frames after close are ignored",
        arguments: [
            ClientFrame.close(code: 1000), .ping("ping".bytes), .text("Hello World!"), .binary([1, 2, 3]),
        ])
    func framesAfterCloseIgnored(next: ClientFrame) async throws {
        try await withEchoClient { client in
            client.trySend([.close(code: CloseCode.normal), next])
            try client.expectClose(code: CloseCode.normal)
            #expect(client.waitForTCPClose())
        }
    }

    @Test("7.1.5 close in the middle of a fragmented message: the message is never echoed")
    func closeDuringFragmentedMessage() async throws {
        try await withEchoClient { client in
            client.trySend([
                .text("fragment1", fin: false), .close(code: CloseCode.normal), .continuation("fragment2".bytes),
            ])
            try client.expectClose(code: CloseCode.normal)
            #expect(client.waitForTCPClose())
        }
    }

    /// RFC 6455 forbids sending 1005 on the wire, so the answer is empty or 1000.
    @Test("7.3.1 close without payload is answered with close and TCP close")
    func emptyClose() async throws {
        try await withEchoClient { client in
            try client.sendClose(code: nil)
            let close = try client.expectClose(code: nil)
            #expect(close.code == nil || close.code == CloseCode.normal)
            #expect(client.waitForTCPClose())
        }
    }

    @Test("7.3.2 close with a 1-byte payload fails with 1002")
    func oneByteClose() async throws {
        try await withEchoClient { client in
            client.trySend([ClientFrame(opcode: .close, payload: [0x03])])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test(
        "7.3.3-7.3.5 close 1000 with a reason up to 123 bytes is echoed",
        arguments: [
            "", "Hello World!", String(repeating: "*", count: 123), String(repeating: "é", count: 61) + "!",
        ])
    func closeWithReason(reason: String) async throws {
        try await withEchoClient { client in
            try client.sendClose(code: CloseCode.normal, reason: reason.bytes)
            try client.expectClose(code: CloseCode.normal)
            #expect(client.waitForTCPClose())
        }
    }

    @Test("7.3.6 close with a 124-byte reason (126-byte payload) fails with 1002")
    func closeReasonTooLong() async throws {
        try await withEchoClient { client in
            client.trySend([.close(code: CloseCode.normal, reason: [UInt8](repeating: 0x2A, count: 124))])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test(
        "7.5.1 close reason with invalid UTF-8 fails with 1007",
        arguments: [
            [0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64],
            [0xC0, 0xAF],
            "truncated".bytes + [0xE2, 0x82],
        ] as [[UInt8]])
    func closeReasonInvalidUTF8(reason: [UInt8]) async throws {
        try await withEchoClient { client in
            client.trySend([.close(code: CloseCode.normal, reason: reason)])
            try expectFailure(client, code: CloseCode.invalidPayload)
        }
    }

    @Test(
        "7.7.x valid close code is echoed",
        arguments: [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
        ] as [UInt16])
    func validCodeEchoed(code: UInt16) async throws {
        try await withEchoClient { client in
            try client.sendClose(code: code)
            try client.expectClose(code: code)
            #expect(client.waitForTCPClose())
        }
    }

    /// Codes that are unassigned, reserved for local use only (1005, 1006, 1015), or outside
    /// 1000-4999 must not appear on the wire.
    @Test(
        "7.9.x / 7.13.x invalid close code fails with 1002",
        arguments: [
            0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65_535,
        ] as [UInt16])
    func invalidCodeRejected(code: UInt16) async throws {
        try await withEchoClient { client in
            client.trySend([.close(code: code)])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("close written one byte at a time is echoed")
    func bytewiseClose() async throws {
        try await withEchoClient { client in
            try client.send(.close(code: 4321, reason: "bye".bytes), split: .bytewise)
            try client.expectClose(code: 4321)
            #expect(client.waitForTCPClose())
        }
    }
}
