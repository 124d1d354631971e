import NIOCore
import NIOWebSocket

/// Frames as NIOWebSocket's decoder hands them to the server: payload still masked, key attached.
enum TestFrames {
    /// Deliberately not symmetric, so a payload that was never unmasked cannot pass for one that was.
    static let maskKey: WebSocketMaskingKey = [0x37, 0xFA, 0x21, 0x3D]

    static func client(
        _ opcode: WebSocketOpcode,
        _ payload: [UInt8] = [],
        fin: Bool = true,
        rsv1: Bool = false,
        rsv2: Bool = false,
        rsv3: Bool = false,
        masked: Bool = true
    ) -> WebSocketFrame {
        var data = ByteBuffer(bytes: payload)
        if masked { data.webSocketMask(Self.maskKey) }
        return WebSocketFrame(
            fin: fin,
            rsv1: rsv1,
            rsv2: rsv2,
            rsv3: rsv3,
            opcode: opcode,
            maskKey: masked ? Self.maskKey : nil,
            data: data
        )
    }

    static func text(_ text: String, fin: Bool = true) -> WebSocketFrame {
        self.client(.text, Array(text.utf8), fin: fin)
    }

    static func text(bytes: [UInt8], fin: Bool = true) -> WebSocketFrame {
        self.client(.text, bytes, fin: fin)
    }

    static func binary(_ payload: [UInt8], fin: Bool = true) -> WebSocketFrame {
        self.client(.binary, payload, fin: fin)
    }

    static func continuation(_ payload: [UInt8], fin: Bool = true) -> WebSocketFrame {
        self.client(.continuation, payload, fin: fin)
    }

    static func continuation(_ text: String, fin: Bool = true) -> WebSocketFrame {
        self.client(.continuation, Array(text.utf8), fin: fin)
    }

    static func ping(_ payload: [UInt8] = []) -> WebSocketFrame {
        self.client(.ping, payload)
    }

    static func pong(_ payload: [UInt8] = []) -> WebSocketFrame {
        self.client(.pong, payload)
    }

    /// A close frame: no payload when `code` is nil, else the big-endian code and the reason bytes.
    static func close(code: UInt16?, reason: [UInt8] = []) -> WebSocketFrame {
        guard let code else { return self.client(.connectionClose) }
        return self.client(.connectionClose, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)
    }

    static func close(_ code: UInt16, reason: String) -> WebSocketFrame {
        self.close(code: code, reason: Array(reason.utf8))
    }

    /// An opcode RFC 6455 reserves (3-7 data, B-F control).
    static func opcode(_ raw: UInt8) -> WebSocketOpcode {
        WebSocketOpcode(encodedWebSocketOpcode: raw)!
    }
}

extension TestFrames {
    /// A client frame as it crosses the wire: header, masking key, masked payload (payloads under 126
    /// bytes, or `announcedLength` to lie about the length).
    static func wire(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, announcedLength: Int? = nil) -> [UInt8] {
        var header: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let length = announcedLength ?? payload.count
        if length < 126 {
            header.append(0x80 | UInt8(length))
        } else {
            header += [0x80 | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        }
        var masked = ByteBuffer(bytes: payload)
        masked.webSocketMask(Self.maskKey)
        return header + Array(Self.maskKey) + Array(masked.readableBytesView)
    }
}

extension WebSocketFrame {
    /// The payload as the peer reads it.
    var payloadBytes: [UInt8] {
        var data = self.unmaskedData
        return data.readBytes(length: data.readableBytes) ?? []
    }

    var payloadText: String { String(decoding: self.payloadBytes, as: UTF8.self) }

    /// The status code of a close frame; `nil` when it carries no payload.
    var closeCode: UInt16? {
        var data = self.unmaskedData
        return data.readInteger(as: UInt16.self)
    }
}
