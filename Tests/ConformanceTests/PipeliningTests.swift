import SwitchboardTestSupport
import Testing

/// In place of Autobahn 10.x (auto-fragmentation, a client concern): many frames arriving in one
/// TCP write must all be processed, in order, with nothing lost at read boundaries.
@Suite("Pipelining")
struct PipeliningTests {
    @Test("many small messages in one write are all echoed in order", arguments: [100, 1_000])
    func manySmallMessages(count: Int) async throws {
        try await withEchoClient(timeout: .seconds(15)) { client in
            let payloads = (0..<count).map { "message #\($0)".bytes }
            try client.send(payloads.map { ClientFrame(opcode: .text, payload: $0) })
            for payload in payloads {
                try expectEcho(client, .text, payload)
            }
        }
    }

    @Test("mixed text, binary, fragments and pings in one write keep their order")
    func mixedPipeline() async throws {
        try await withEchoClient { client in
            var frames: [ClientFrame] = []
            for index in 0..<50 {
                switch index % 4 {
                case 0: frames.append(.text("t\(index)"))
                case 1: frames.append(.binary([UInt8(index)]))
                case 2: frames.append(.ping([UInt8(index)]))
                default: frames += [.text("f\(index)-", fin: false), .continuation("end".bytes)]
                }
            }
            try client.send(frames)
            // Pongs may overtake echoes (RFC 6455 does not order them), so each kind is checked
            // for order on its own.
            let pings = (0..<50).filter { $0 % 4 == 2 }
            let received = try client.readMessagesAndPongs(messages: 50 - pings.count, pongs: pings.count)
            #expect(received.pongs == pings.map { [UInt8($0)] })
            let expected: [(RawOpcode, [UInt8])] = (0..<50).compactMap { index in
                switch index % 4 {
                case 0: (.text, "t\(index)".bytes)
                case 1: (.binary, [UInt8(index)])
                case 2: nil
                default: (.text, "f\(index)-end".bytes)
                }
            }
            #expect(received.messages.map(\.opcode) == expected.map(\.0))
            #expect(received.messages.map(\.payload) == expected.map(\.1))
        }
    }

    /// Writes that cut frames at odd places, e.g. mid-header, must not confuse the decoder.
    @Test("messages written in uneven pieces straddling frame boundaries")
    func unevenPieces() async throws {
        try await withEchoClient { client in
            let payloads = (0..<20).map { index in [UInt8](repeating: UInt8(index), count: index * 37) }
            try client.send(
                payloads.map { ClientFrame(opcode: .binary, payload: $0) },
                split: .chunks(size: 41, pause: .microseconds(100)))
            for payload in payloads {
                try expectEcho(client, .binary, payload)
            }
        }
    }

    /// A server may answer the close before echoing everything queued ahead of it (Autobahn
    /// 7.1.6 calls this implementation-defined), but whatever it does echo must be in order and
    /// no data may follow its close.
    @Test("messages then close in one write: echoes in order, then close 1000")
    func messagesThenClose() async throws {
        try await withEchoClient { client in
            let payloads = (0..<10).map { "m\($0)".bytes }
            try client.send(payloads.map { ClientFrame(opcode: .text, payload: $0) } + [.close(code: CloseCode.normal)])
            var echoed = 0
            while true {
                let frame = try client.readFrame()
                if frame.opcode == .close {
                    #expect(ServerClose(payload: frame.payload)?.code == CloseCode.normal)
                    break
                }
                try #require(echoed < payloads.count, "more echoes than messages sent")
                #expect(frame.opcode == .text)
                #expect(frame.fin)
                #expect(frame.payload == payloads[echoed])
                echoed += 1
            }
            #expect(client.waitForTCPClose())
        }
    }
}
