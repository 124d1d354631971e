/// How a client frame's payload is masked.
public enum FrameMasking: Sendable, Equatable {
    /// A fresh random key per frame, as RFC 6455 requires of clients.
    case random
    /// A fixed key (big-endian on the wire), e.g. to test an all-zero key.
    case key(UInt32)
    /// No mask bit and no key: a protocol violation when sent by a client.
    case unmasked
}

/// A client-to-server frame whose every header bit is under the test's control.
///
/// Nothing is validated, so a frame can carry reserved opcodes, RSV bits, oversized control
/// payloads or missing masks on purpose.
public struct ClientFrame: Sendable, Equatable {
    /// The FIN bit: false for every fragment but the last.
    public var fin: Bool
    /// The three RSV bits as a 3-bit value: 0b100 is RSV1, 0b010 RSV2, 0b001 RSV3.
    public var rsv: UInt8
    /// Any 4-bit opcode, reserved ones included.
    public var opcode: RawOpcode
    /// The payload before masking.
    public var payload: [UInt8]
    /// Whether and how the payload is masked.
    public var masking: FrameMasking

    /// Creates a frame; the defaults describe a well-formed, final, masked frame.
    public init(
        opcode: RawOpcode,
        payload: some Sequence<UInt8> = [UInt8](),
        fin: Bool = true,
        rsv: UInt8 = 0,
        masking: FrameMasking = .random
    ) {
        precondition(rsv < 8, "there are three RSV bits")
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.payload = Array(payload)
        self.masking = masking
    }

    /// A text frame carrying `text` as UTF-8.
    public static func text(_ text: String, fin: Bool = true) -> Self {
        Self(opcode: .text, payload: Array(text.utf8), fin: fin)
    }

    /// A binary frame.
    public static func binary(_ payload: [UInt8], fin: Bool = true) -> Self {
        Self(opcode: .binary, payload: payload, fin: fin)
    }

    /// A continuation frame.
    public static func continuation(_ payload: [UInt8], fin: Bool = true) -> Self {
        Self(opcode: .continuation, payload: payload, fin: fin)
    }

    /// A ping frame.
    public static func ping(_ payload: [UInt8] = []) -> Self { Self(opcode: .ping, payload: payload) }

    /// A pong frame.
    public static func pong(_ payload: [UInt8] = []) -> Self { Self(opcode: .pong, payload: payload) }

    /// A close frame; with `code` nil the payload is empty (and `reason` is ignored).
    public static func close(code: UInt16? = nil, reason: [UInt8] = []) -> Self {
        guard let code else { return Self(opcode: .close) }
        return Self(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    /// The frame as wire bytes, using the shortest length encoding.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payload.count + 14)
        bytes.append((fin ? 0x80 : 0) | rsv << 4 | opcode.rawValue)
        let maskBit: UInt8 = masking == .unmasked ? 0 : 0x80
        switch payload.count {
        case 0...125:
            bytes.append(maskBit | UInt8(payload.count))
        case 126...0xFFFF:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            let length = UInt64(payload.count)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
            }
        }
        let key: UInt32
        switch masking {
        case .unmasked:
            bytes += payload
            return bytes
        case .random: key = UInt32.random(in: .min ... .max)
        case .key(let fixed): key = fixed
        }
        let keyBytes = [
            UInt8(key >> 24), UInt8(truncatingIfNeeded: key >> 16),
            UInt8(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key),
        ]
        bytes += keyBytes
        for (index, byte) in payload.enumerated() {
            bytes.append(byte ^ keyBytes[index & 3])
        }
        return bytes
    }
}

/// How the bytes of one ``RawWebSocketClient/send(_:split:)`` are cut into separate TCP writes.
public enum WriteSplit: Sendable, Equatable {
    /// All frames in a single write (pipelined).
    case oneWrite
    /// One write per frame, pausing between them.
    case perFrame(pause: Duration)
    /// Fixed-size pieces of the whole byte stream, ignoring frame boundaries.
    case chunks(size: Int, pause: Duration)
    /// Pieces of the given sizes in turn; whatever is left goes in one last piece.
    case sizes([Int], pause: Duration)

    /// One byte per write with a 1 ms pause, so the server sees each byte arrive on its own.
    public static let bytewise = WriteSplit.chunks(size: 1, pause: .milliseconds(1))
}
