/// One frame as received from the server, with the header details conformance tests check.
public struct ServerFrame: Sendable, Equatable, CustomStringConvertible {
    /// The FIN bit.
    public var fin: Bool
    /// The RSV bits as a 3-bit value (0b100 is RSV1); must be 0 without negotiated extensions.
    public var rsv: UInt8
    /// The opcode.
    public var opcode: RawOpcode
    /// The payload, unmasked if the server (wrongly) masked it.
    public var payload: [UInt8]
    /// Whether the mask bit was set; a server must never mask (RFC 6455 §5.1).
    public var wasMasked: Bool
    /// Whether the payload length used the shortest of the three encodings (RFC 6455 §5.2).
    public var usedMinimalLength: Bool

    /// Creates a frame value; mainly for the reader and for expected values in tests.
    public init(
        fin: Bool, rsv: UInt8, opcode: RawOpcode, payload: [UInt8],
        wasMasked: Bool = false, usedMinimalLength: Bool = true
    ) {
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.payload = payload
        self.wasMasked = wasMasked
        self.usedMinimalLength = usedMinimalLength
    }

    /// The payload decoded as UTF-8, or nil if it is not valid UTF-8.
    public var text: String? { String(validating: payload, as: UTF8.self) }

    public var description: String {
        let preview = payload.count <= 32 ? "\(payload)" : "\(payload.count) bytes"
        return "ServerFrame(\(opcode), fin: \(fin), rsv: \(rsv), masked: \(wasMasked), payload: \(preview))"
    }
}

/// A complete data message reassembled from one or more server frames.
public struct ServerMessage: Sendable, Equatable {
    /// `.text` or `.binary`, from the first frame.
    public var opcode: RawOpcode
    /// The concatenated payload of all frames.
    public var payload: [UInt8]
    /// The frames the message arrived in, for header checks.
    public var frames: [ServerFrame]

    /// The payload decoded as UTF-8, or nil if it is not valid UTF-8.
    public var text: String? { String(validating: payload, as: UTF8.self) }
}

/// The content of a close frame received from the server.
public struct ServerClose: Sendable, Equatable {
    /// The status code, or nil for an empty close payload.
    public var code: UInt16?
    /// The raw reason bytes after the code.
    public var reasonBytes: [UInt8]

    /// The reason as text; invalid UTF-8 is replaced rather than hidden.
    public var reason: String { String(decoding: reasonBytes, as: UTF8.self) }

    /// Parses a close payload; a 1-byte payload is malformed (RFC 6455 §5.5.1) and returns nil.
    public init?(payload: [UInt8]) {
        switch payload.count {
        case 0:
            code = nil
            reasonBytes = []
        case 1:
            return nil
        default:
            code = UInt16(payload[0]) << 8 | UInt16(payload[1])
            reasonBytes = Array(payload[2...])
        }
    }
}
