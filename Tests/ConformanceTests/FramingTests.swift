import SwitchboardTestSupport
import Testing

/// Autobahn 1.x: text and binary messages of the sizes around each length-encoding boundary
/// (7-bit, 16-bit, 64-bit), echoed unchanged in one frame.
@Suite("1.x Framing")
struct FramingTests {
    static let sizes = [0, 125, 126, 127, 128, 65_535, 65_536]

    @Test("1.1.x text message echoed", arguments: sizes)
    func textEcho(size: Int) async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .text, Self.asciiPayload(size))
        }
    }

    @Test("1.2.x binary message echoed", arguments: sizes)
    func binaryEcho(size: Int) async throws {
        try await withEchoClient { client in
            try expectRoundTrip(client, .binary, Self.binaryPayload(size))
        }
    }

    /// 1.1.8 / 1.2.8: the same 64 KiB frame trickled in 997-byte writes must still be one message.
    @Test("1.x.8 64 KiB frame written in 997-byte chunks", arguments: [RawOpcode.text, .binary])
    func chunkedWrite(opcode: RawOpcode) async throws {
        try await withEchoClient { client in
            let payload = opcode == .text ? Self.asciiPayload(65_536) : Self.binaryPayload(65_536)
            try client.send(
                ClientFrame(opcode: opcode, payload: payload),
                split: .chunks(size: 997, pause: .microseconds(200)))
            try expectEcho(client, opcode, payload)
        }
    }

    /// A payload delivered byte by byte, header included, exercises every partial-read path.
    @Test("small frame written one byte at a time")
    func bytewiseWrite() async throws {
        try await withEchoClient { client in
            let payload = "byte by byte".bytes
            try client.send(ClientFrame(opcode: .text, payload: payload), split: .bytewise)
            try expectEcho(client, .text, payload)
        }
    }

    @Test("text and binary messages alternate on one connection")
    func alternatingMessages() async throws {
        try await withEchoClient { client in
            for index in 0..<10 {
                if index.isMultiple(of: 2) {
                    try expectRoundTrip(client, .text, "message \(index)".bytes)
                } else {
                    try expectRoundTrip(client, .binary, [UInt8(index), 0, 255])
                }
            }
        }
    }

    static func asciiPayload(_ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(ascii: "*") &+ UInt8($0 % 64) }
    }

    static func binaryPayload(_ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }
}
