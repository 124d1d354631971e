/// ITU-T G.711 A-law companding (the European / international telephony codec, `audio/x-alaw`).
///
/// Bit-exact with the ITU-T G.191 STL `g711.c` reference (`alaw_compress` / `alaw_expand`), and with the
/// 13-bit Sun `g711.c` `linear2alaw` / `alaw2linear`: 16-bit two's-complement PCM in (only the top 12 bits
/// matter), 8-bit codes out.
///
/// The buffer variants never allocate per sample; the `UnsafeBufferPointer` overloads never allocate at all
/// and are the ones to use on the media hot path.
public enum ALaw: G711Law {
    /// A-law codes have their even bits inverted on the wire so that idle channels still carry transitions.
    @usableFromInline static let evenBitMask: UInt8 = 0x55

    /// Every code's PCM value, built once from the reference expansion formula: a table load per sample is
    /// cheaper than the shifts, and there are only 256 codes.
    public static let decodeTable: [Int16] = (0...255).map { expand(UInt8($0)) }

    /// The reference `alaw_expand`, used only to build `decodeTable`.
    static func expand(_ byte: UInt8) -> Int16 {
        let code = byte ^ evenBitMask
        let segment = Int32((code & 0x70) >> 4)
        var magnitude = Int32(code & 0x0F)
        if segment > 0 {
            // Segments above 0 have an implicit leading one in front of the mantissa.
            magnitude += 16
        }
        // Reconstruct at the middle of the quantization step rather than its lower edge.
        magnitude = (magnitude << 4) + 8
        if segment > 1 {
            magnitude <<= segment - 1
        }
        return Int16(code & 0x80 != 0 ? magnitude : -magnitude)
    }

    /// Compresses one 16-bit linear PCM sample to an A-law code.
    @inlinable
    public static func encode(_ sample: Int16) -> UInt8 {
        // One's complement (~x == -x - 1) rather than negation: it cannot overflow on Int16.min and gives the
        // reference's decision thresholds, which are symmetric around -0.5 rather than 0.
        let isNegative = sample < 0
        let magnitude = UInt16(bitPattern: isNegative ? ~sample : sample) >> 4
        var code: UInt16
        if magnitude < 32 {
            // Segments 0 and 1 share one step size, and segment 1's implicit leading one is exactly its
            // segment number, so the magnitude already is the code.
            code = magnitude
        } else {
            // Equivalent to the reference's shift-and-count loop: the top bit of the 11-bit magnitude is bit 5
            // (segment 2) up to bit 10 (segment 7).
            let segment = UInt16(12 - magnitude.leadingZeroBitCount)
            code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0F)
        }
        if !isNegative {
            code |= 0x80
        }
        return UInt8(truncatingIfNeeded: code) ^ evenBitMask
    }
}
