public import NIOCore

/// Cuts server-to-client WebSocket frames out of the received bytes without copying them. A
/// server must not mask (RFC 6455 section 5.1); a masked frame is a protocol error.
public struct ServerFrameParser: Sendable {
    public struct Frame {
        public var fin: Bool
        public var opcode: UInt8
        /// The payload's position in the buffer passed to ``next(in:)``.
        public var payloadRange: Range<Int>
    }

    public enum Result {
        case frame(Frame)
        case needMoreBytes
        case protocolError(String)
    }

    /// Frames larger than this are a protocol error: echoes are a few hundred bytes.
    public var maxFrameSize: Int

    public init(maxFrameSize: Int = 1 << 20) {
        self.maxFrameSize = maxFrameSize
    }

    /// The next whole frame in `buffer`, moving its reader index past it.
    @inline(__always)
    public func next(in buffer: inout ByteBuffer) -> Result {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        guard available >= 2, let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return .needMoreBytes }
        guard first & 0x70 == 0 else { return .protocolError("reserved bits set") }
        guard second & 0x80 == 0 else { return .protocolError("masked frame from server") }
        var headerSize = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard available >= 4, let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else {
                return .needMoreBytes
            }
            headerSize = 4
            length = Int(extended)
        } else if length == 127 {
            guard available >= 10, let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else {
                return .needMoreBytes
            }
            guard extended <= UInt64(self.maxFrameSize) else { return .protocolError("frame too large") }
            headerSize = 10
            length = Int(extended)
        }
        guard length <= self.maxFrameSize else { return .protocolError("frame too large") }
        guard available >= headerSize + length else { return .needMoreBytes }
        let payloadStart = start + headerSize
        buffer.moveReaderIndex(forwardBy: headerSize + length)
        return .frame(
            Frame(fin: first & 0x80 != 0, opcode: first & 0x0F, payloadRange: payloadStart..<(payloadStart + length))
        )
    }
}
