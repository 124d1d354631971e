public import NIOCore

/// Writes client-to-server WebSocket frames (RFC 6455 section 5.2): always final, always masked,
/// with the shortest length encoding. The payload is XOR-masked while it is copied into the
/// outbound buffer, so masking costs no second pass and no allocation.
public enum ClientFrameWriter {
    public enum Opcode: UInt8, Sendable {
        case text = 0x1
        case binary = 0x2
        case close = 0x8
        case ping = 0x9
        case pong = 0xA
    }

    /// Appends one frame carrying `payload`'s readable bytes, masked with `maskKey`.
    @inline(__always)
    public static func write(
        _ opcode: Opcode,
        payload: ByteBuffer,
        maskKey: UInt32,
        into buffer: inout ByteBuffer
    ) {
        payload.withUnsafeReadableBytes { self.write(opcode, payload: $0, maskKey: maskKey, into: &buffer) }
    }

    @inline(__always)
    public static func write(
        _ opcode: Opcode,
        payload: UnsafeRawBufferPointer,
        maskKey: UInt32,
        into buffer: inout ByteBuffer
    ) {
        let count = payload.count
        buffer.writeInteger(0x80 | opcode.rawValue)
        if count < 126 {
            buffer.writeInteger(0x80 | UInt8(count))
        } else if count <= 0xFFFF {
            buffer.writeInteger(UInt8(0x80 | 126))
            buffer.writeInteger(UInt16(count))
        } else {
            buffer.writeInteger(UInt8(0x80 | 127))
            buffer.writeInteger(UInt64(count))
        }
        buffer.writeInteger(maskKey)
        guard count > 0 else { return }
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { target in
            self.mask(payload, into: target, maskKey: maskKey)
            return count
        }
    }

    /// `target[i] = source[i] ^ key[i % 4]`, eight bytes at a time.
    @inline(__always)
    static func mask(_ source: UnsafeRawBufferPointer, into target: UnsafeMutableRawBufferPointer, maskKey: UInt32) {
        // The key goes on the wire big endian; loading and storing in host order keeps its
        // bytes in wire order, whatever the host's endianness.
        let keyBytes = maskKey.bigEndian
        let key32 = withUnsafeBytes(of: keyBytes) { $0.loadUnaligned(as: UInt32.self) }
        let key64 = UInt64(key32) | UInt64(key32) << 32
        let count = source.count
        var offset = 0
        while offset + 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            target.storeBytes(of: word ^ key64, toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        withUnsafeBytes(of: keyBytes) { key in
            while offset < count {
                target[offset] = source[offset] ^ key[offset & 3]
                offset += 1
            }
        }
    }
}
