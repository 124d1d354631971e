import Media
public import NIOCore

/// The mu-law payload of every media message, already base64-encoded except for its first six
/// bytes, which carry a per-run magic and the frame index so that each echo can be matched to its
/// frame exactly.
///
/// Six bytes are two whole base64 groups: the header encodes to exactly eight characters and the
/// rest of the payload encodes independently of it, so the tail is encoded once per run and each
/// message only encodes its header.
public struct FramePayload: Sendable {
    /// Magic (2 bytes, big endian) then frame index (4 bytes, big endian).
    public static let headerSize = 6
    /// The header's base64 length.
    public static let encodedHeaderSize = 8

    public let magic: UInt16
    public let byteCount: Int
    /// The base64 of bytes `headerSize...` of the payload.
    let encodedTail: [UInt8]

    /// - Parameters:
    ///   - byteCount: mu-law bytes per message, at least ``headerSize``.
    public init(magic: UInt16, byteCount: Int) {
        precondition(byteCount >= Self.headerSize)
        self.magic = magic
        self.byteCount = byteCount
        var tail = ByteBuffer()
        let fill = Self.quietTone(count: byteCount)[Self.headerSize...]
        Array(fill).withUnsafeBytes { Base64.encode($0, into: &tail) }
        self.encodedTail = Array(tail.readableBytesView)
    }

    /// The base64 length of one payload.
    public var encodedCount: Int { Self.encodedHeaderSize + self.encodedTail.count }

    /// Appends the base64 of frame `index`'s payload.
    @inline(__always)
    public func writeEncoded(frame index: Int, into buffer: inout ByteBuffer) {
        let value = UInt32(truncatingIfNeeded: index)
        var header: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
            UInt8(truncatingIfNeeded: self.magic >> 8), UInt8(truncatingIfNeeded: self.magic),
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)
        )
        withUnsafeBytes(of: &header) { Base64.encode($0, into: &buffer) }
        buffer.writeBytes(self.encodedTail)
    }

    /// The frame index in the first ``encodedHeaderSize`` base64 characters of a payload, or `nil`
    /// when they are not base64 or carry another run's magic.
    ///
    /// - Parameter scratch: a reused buffer the header is decoded into, so decoding never allocates.
    @inline(__always)
    public func frameIndex(encodedHeader: UnsafeRawBufferPointer, scratch: inout ByteBuffer) -> Int? {
        guard encodedHeader.count >= Self.encodedHeaderSize else { return nil }
        scratch.clear()
        do {
            try Base64.decode(
                UnsafeRawBufferPointer(rebasing: encodedHeader.prefix(Self.encodedHeaderSize)), into: &scratch)
        } catch {
            return nil
        }
        guard let magic = scratch.readInteger(as: UInt16.self), magic == self.magic,
            let index = scratch.readInteger(as: UInt32.self)
        else { return nil }
        return Int(index)
    }

    /// A 400 Hz tone about 40 dB below full scale through the mu-law table: what a quiet caller
    /// sounds like on the wire, rather than constant bytes a codec could special-case.
    static func quietTone(count: Int) -> [UInt8] {
        // 400 Hz at 8 kHz is 20 samples a period; one period, repeated, is exact.
        let period: [UInt8] = (0..<20).map { sample in
            let phase = Double(sample) / 20
            return MuLaw.encode(Int16(330 * Self.sine(phase)))
        }
        return (0..<count).map { period[$0 % 20] }
    }

    /// sin(2 pi x) for x in [0, 1) without Foundation, from a Bhaskara approximation (good to
    /// about 0.2 %, far below what a 16-bit sample at this level can show).
    private static func sine(_ x: Double) -> Double {
        let half = x < 0.5
        let t = (half ? x : x - 0.5) * 180
        let value = 4 * t * (180 - t) / (40_500 - t * (180 - t))
        return half ? value : -value
    }
}
