import SwitchboardTestSupport
import Testing

/// Autobahn 5.x: fragmented messages are reassembled and echoed as one message; control frames
/// may be interleaved but not fragmented; continuation frames must continue something.
@Suite("5.x Fragmentation")
struct FragmentationTests {
    @Test("5.1/5.2 fragmented control frame fails with 1002", arguments: [RawOpcode.ping, .pong])
    func fragmentedControl(opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            client.trySend([
                ClientFrame(opcode: opcode, payload: "fragment1".bytes, fin: false),
                .continuation("fragment2".bytes),
            ])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    /// 5.3-5.5: one write, one write per frame, one byte per write.
    @Test(
        "5.3-5.5 two-fragment message is echoed whole",
        arguments: [
            WriteSplit.oneWrite, .perFrame(pause: .milliseconds(20)), .bytewise,
        ])
    func twoFragments(split: WriteSplit) async throws {
        try await withEchoClient { client in
            for opcode in [RawOpcode.text, .binary] {
                try client.send(
                    [
                        ClientFrame(opcode: opcode, payload: "fragment1".bytes, fin: false),
                        .continuation("fragment2".bytes),
                    ], split: split)
                try expectEcho(client, opcode, "fragment1fragment2".bytes)
            }
        }
    }

    @Test(
        "5.6-5.8 ping between fragments is answered and the message still delivered",
        arguments: [
            WriteSplit.oneWrite, .perFrame(pause: .milliseconds(20)), .bytewise,
        ])
    func pingBetweenFragments(split: WriteSplit) async throws {
        try await withEchoClient { client in
            try client.send(
                [
                    .text("fragment1", fin: false),
                    .ping("ping payload".bytes),
                    .continuation("fragment2".bytes),
                ], split: split)
            let received = try client.readMessagesAndPongs(messages: 1, pongs: 1)
            #expect(received.pongs == ["ping payload".bytes])
            #expect(received.messages.first?.opcode == .text)
            #expect(received.messages.first?.payload == "fragment1fragment2".bytes)
        }
    }

    @Test("5.19/5.20 five fragments with pings between, sent slowly")
    func fiveFragmentsWithPings() async throws {
        try await withEchoClient { client in
            try client.send(
                [
                    .text("f1", fin: false), .continuation("f2".bytes, fin: false), .ping("p1".bytes),
                    .continuation("f3".bytes, fin: false), .continuation("f4".bytes, fin: false), .ping("p2".bytes),
                    .continuation("f5".bytes),
                ], split: .perFrame(pause: .milliseconds(50)))
            let received = try client.readMessagesAndPongs(messages: 1, pongs: 2)
            #expect(received.pongs == ["p1".bytes, "p2".bytes])
            #expect(received.messages.first?.payload == "f1f2f3f4f5".bytes)
        }
    }

    @Test("fragments with empty payloads are reassembled", arguments: [RawOpcode.text, .binary])
    func emptyFragments(opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            try client.send([
                ClientFrame(opcode: opcode, fin: false), .continuation([], fin: false), .continuation([]),
            ])
            try expectEcho(client, opcode, [])
            try client.send([
                ClientFrame(opcode: opcode, fin: false), .continuation("middle".bytes, fin: false),
                .continuation([]),
            ])
            try expectEcho(client, opcode, "middle".bytes)
        }
    }

    /// 5.9-5.14: nothing to continue, whether the stray continuation is final or not.
    @Test(
        "5.9-5.14 continuation without a start fails with 1002",
        arguments: [
            (true, WriteSplit.oneWrite), (true, .bytewise), (false, .oneWrite),
            (false, .perFrame(pause: .milliseconds(20))),
        ])
    func continuationWithoutStart(fin: Bool, split: WriteSplit) async throws {
        try await withEchoClient { client in
            client.trySend([.continuation("fragment".bytes, fin: fin), .text("Hello, world!")], split: split)
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    /// Autobahn sends all four frames in one write and expects the echo first; a server that
    /// fails the connection before its async echo goes out is also correct, so the echo is
    /// awaited before the stray continuation is sent.
    @Test("5.15 complete fragmented message, then a stray continuation: echo, then 1002")
    func strayContinuationAfterMessage() async throws {
        try await withEchoClient { client in
            try client.send([.text("fragment1", fin: false), .continuation("fragment2".bytes)])
            try expectEcho(client, .text, "fragment1fragment2".bytes)
            client.trySend([.continuation("fragment3".bytes, fin: false), .text("fragment4")])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test(
        "5.18 new data frame during a fragmented message fails with 1002",
        arguments: [
            (RawOpcode.text, RawOpcode.text), (.text, .binary), (.binary, .binary), (.binary, .text),
        ])
    func newMessageDuringFragmentedMessage(first: RawOpcode, second: RawOpcode) async throws {
        try await withEchoClient { client in
            client.trySend([
                ClientFrame(opcode: first, payload: "fragment1".bytes, fin: false),
                ClientFrame(opcode: second, payload: "fragment2".bytes),
            ])
            try expectFailure(client, code: CloseCode.protocolError)
        }
    }

    @Test("incomplete fragmented message is not echoed early")
    func noEchoBeforeFinalFragment() async throws {
        try await withEchoClient { client in
            try client.send([.binary([1, 2], fin: false), .continuation([3], fin: false)])
            #expect(try client.nextFrame(within: .milliseconds(200)) == nil)
            try client.send(.continuation([4]))
            try expectEcho(client, .binary, [1, 2, 3, 4])
        }
    }
}
