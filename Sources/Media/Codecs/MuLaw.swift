/// ITU-T G.711 mu-law companding (the North American / Japanese telephony codec, `audio/x-mulaw`).
///
/// Bit-exact with the Sun Microsystems `g711.c` reference (`linear2ulaw` / `ulaw2linear`): 16-bit
/// two's-complement PCM in, 8-bit codes out. A negative sample exactly on a decision value gets the code farther
/// from zero, as a positive one does; the G.191 STL `ulaw_compress` (one's complement for negatives) gives those
/// 127 inputs the code nearer zero instead.
///
/// The buffer variants never allocate per sample; the `UnsafeBufferPointer` overloads never allocate at all
/// and are the ones to use on the media hot path.
public enum MuLaw: G711Law {
    /// Added to the magnitude so that every segment boundary becomes a power of two, which lets the
    /// segment be read straight off the position of the highest set bit.
    @usableFromInline static let bias: Int32 = 0x84

    /// The largest magnitude that still fits in segment 7 once the bias is added (32635 + 132 = 32767).
    @usableFromInline static let clip: Int32 = 32635

    /// Every code's PCM value, built once from the reference expansion formula: a table load per sample is
    /// cheaper than the shifts, and there are only 256 codes.
    public static let decodeTable: [Int16] = (0...255).map { expand(UInt8($0)) }

    /// The reference `ulaw2linear`, used only to build `decodeTable`.
    static func expand(_ byte: UInt8) -> Int16 {
        // Codes are transmitted inverted so that silence is not a run of zero bits on the line.
        let code = ~byte
        let segment = Int32((code & 0x70) >> 4)
        let magnitude = ((Int32(code & 0x0F) << 3) + bias) << segment
        return Int16(code & 0x80 != 0 ? bias - magnitude : magnitude - bias)
    }

    /// Compresses one 16-bit linear PCM sample to a mu-law code.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        // Int32 so that the magnitude of Int16.min cannot overflow.
        let value = Int32(sample)
        let sign: UInt8 = value < 0 ? 0x80 : 0x00
        let magnitude = min(value < 0 ? -value : value, clip) + bias
        // Equivalent to the reference's linear search over the segment end points 0xFF, 0x1FF, ... 0x7FFF:
        // the biased magnitude is in 132...32767, so its top bit is bit 7 (segment 0) up to bit 14 (segment 7).
        let segment = Int32(24 - magnitude.leadingZeroBitCount)
        let mantissa = UInt8(truncatingIfNeeded: (magnitude >> (segment + 3)) & 0x0F)
        return ~(sign | UInt8(truncatingIfNeeded: segment << 4) | mantissa)
    }
}
