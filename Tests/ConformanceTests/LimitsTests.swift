import SwitchboardTestSupport
import Testing

/// How a large message is cut into frames.
enum Framing: Sendable, CustomTestStringConvertible {
    case singleFrame
    case fragments(Int)

    var testDescription: String {
        switch self {
        case .singleFrame: "single frame"
        case .fragments(let size): "\(size / 1024) KiB fragments"
        }
    }

    func frames(_ opcode: RawOpcode, _ payload: [UInt8]) -> [ClientFrame] {
        guard case .fragments(let size) = self, payload.count > size else {
            return [ClientFrame(opcode: opcode, payload: payload)]
        }
        return stride(from: 0, to: payload.count, by: size).map { start in
            let end = min(start + size, payload.count)
            return ClientFrame(
                opcode: start == 0 ? opcode : .continuation, payload: payload[start..<end],
                fin: end == payload.count)
        }
    }
}

/// Autobahn 9.x, up to the server's 1 MiB message limit: large messages round-trip intact in
/// one frame or many; one byte more fails with 1009 however it is framed.
@Suite("9.x Limits and large messages", .timeLimit(.minutes(2)))
struct LimitsTests {
    static let limit = 1 << 20
    /// Large echoes on a loaded 2-core machine in a debug build need more than the default 5 s.
    static let timeout = Duration.seconds(30)

    @Test(
        "9.1/9.2 large message echoed", arguments: [64 << 10, 256 << 10, 1 << 20],
        [Framing.singleFrame, .fragments(4 << 10), .fragments(64 << 10)])
    func largeEcho(size: Int, framing: Framing) async throws {
        try await withEchoClient(timeout: Self.timeout) { client in
            for opcode in [RawOpcode.text, .binary] {
                let payload = opcode == .text ? Self.utf8Payload(size) : Self.binaryPayload(size)
                try client.send(framing.frames(opcode, payload))
                try expectEcho(client, opcode, payload)
            }
        }
    }

    /// A server may reject on the frame header alone, before reading the payload, so the write
    /// may fail part-way; the close frame must arrive either way.
    @Test(
        "message of 1 MiB + 1 byte fails with 1009", arguments: [RawOpcode.text, .binary],
        [Framing.singleFrame, .fragments(64 << 10), .fragments(4 << 10)])
    func oversizedMessage(opcode: RawOpcode, framing: Framing) async throws {
        try await withEchoClient(timeout: Self.timeout) { client in
            let payload = opcode == .text ? Self.utf8Payload(Self.limit + 1) : Self.binaryPayload(Self.limit + 1)
            client.trySend(framing.frames(opcode, payload))
            try expectFailure(client, code: CloseCode.messageTooBig)
        }
    }

    @Test("message of exactly 1 MiB split into a 1 MiB - 1 fragment and a 1-byte fragment is echoed")
    func exactlyAtLimitFragmented() async throws {
        try await withEchoClient(timeout: Self.timeout) { client in
            let payload = Self.binaryPayload(Self.limit)
            try client.send([.binary(Array(payload.dropLast()), fin: false), .continuation([payload.last!])])
            try expectEcho(client, .binary, payload)
        }
    }

    /// Valid UTF-8 of exactly `size` bytes whose multi-byte characters straddle fragment
    /// boundaries, so reassembly and incremental validation are both exercised.
    static func utf8Payload(_ size: Int) -> [UInt8] {
        let unit = Array("Hello-µ@ßöäüàá-UTF-8!! κόσμε € 😀 ".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + unit.count)
        while bytes.count + unit.count <= size { bytes += unit }
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: size - bytes.count)
        return bytes
    }

    static func binaryPayload(_ size: Int) -> [UInt8] {
        // A cheap LCG: incompressible enough that a server cannot get lucky with patterns.
        var state: UInt32 = 0x1234_5678
        return (0..<size).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }
}
