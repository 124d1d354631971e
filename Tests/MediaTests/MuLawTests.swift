import Media
import Testing

@Suite("MuLaw")
struct MuLawTests {
    /// `ulaw2linear(b)` for b = 0x00...0xFF, printed by a C build of the Sun `g711.c` reference.
    static let referenceDecode: [Int16] = [
        -32124, -31100, -30076, -29052, -28028, -27004, -25980, -24956,
        -23932, -22908, -21884, -20860, -19836, -18812, -17788, -16764,
        -15996, -15484, -14972, -14460, -13948, -13436, -12924, -12412,
        -11900, -11388, -10876, -10364, -9852, -9340, -8828, -8316,
        -7932, -7676, -7420, -7164, -6908, -6652, -6396, -6140,
        -5884, -5628, -5372, -5116, -4860, -4604, -4348, -4092,
        -3900, -3772, -3644, -3516, -3388, -3260, -3132, -3004,
        -2876, -2748, -2620, -2492, -2364, -2236, -2108, -1980,
        -1884, -1820, -1756, -1692, -1628, -1564, -1500, -1436,
        -1372, -1308, -1244, -1180, -1116, -1052, -988, -924,
        -876, -844, -812, -780, -748, -716, -684, -652,
        -620, -588, -556, -524, -492, -460, -428, -396,
        -372, -356, -340, -324, -308, -292, -276, -260,
        -244, -228, -212, -196, -180, -164, -148, -132,
        -120, -112, -104, -96, -88, -80, -72, -64,
        -56, -48, -40, -32, -24, -16, -8, 0,
        32124, 31100, 30076, 29052, 28028, 27004, 25980, 24956,
        23932, 22908, 21884, 20860, 19836, 18812, 17788, 16764,
        15996, 15484, 14972, 14460, 13948, 13436, 12924, 12412,
        11900, 11388, 10876, 10364, 9852, 9340, 8828, 8316,
        7932, 7676, 7420, 7164, 6908, 6652, 6396, 6140,
        5884, 5628, 5372, 5116, 4860, 4604, 4348, 4092,
        3900, 3772, 3644, 3516, 3388, 3260, 3132, 3004,
        2876, 2748, 2620, 2492, 2364, 2236, 2108, 1980,
        1884, 1820, 1756, 1692, 1628, 1564, 1500, 1436,
        1372, 1308, 1244, 1180, 1116, 1052, 988, 924,
        876, 844, 812, 780, 748, 716, 684, 652,
        620, 588, 556, 524, 492, 460, 428, 396,
        372, 356, 340, 324, 308, 292, 276, 260,
        244, 228, 212, 196, 180, 164, 148, 132,
        120, 112, 104, 96, 88, 80, 72, 64,
        56, 48, 40, 32, 24, 16, 8, 0,
    ]

    /// `linear2ulaw(x)` from the same C reference for x = -32768, -32768 + 127, ... (517 inputs up to 32764).
    static let referenceEncodeStrided: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
        0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03,
        0x03, 0x03, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x05, 0x05, 0x05, 0x05, 0x05, 0x05,
        0x05, 0x05, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07,
        0x07, 0x07, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x09, 0x09, 0x09, 0x09, 0x09, 0x09,
        0x09, 0x09, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x0B, 0x0B, 0x0B, 0x0B, 0x0B, 0x0B,
        0x0B, 0x0B, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0C, 0x0D, 0x0D, 0x0D, 0x0D, 0x0D, 0x0D,
        0x0D, 0x0D, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0E, 0x0F, 0x0F, 0x0F, 0x0F, 0x0F, 0x0F,
        0x0F, 0x0F, 0x0F, 0x10, 0x10, 0x10, 0x10, 0x11, 0x11, 0x11, 0x11, 0x12, 0x12, 0x12, 0x12, 0x13,
        0x13, 0x13, 0x13, 0x14, 0x14, 0x14, 0x14, 0x15, 0x15, 0x15, 0x15, 0x16, 0x16, 0x16, 0x16, 0x17,
        0x17, 0x17, 0x17, 0x18, 0x18, 0x18, 0x18, 0x19, 0x19, 0x19, 0x19, 0x1A, 0x1A, 0x1A, 0x1A, 0x1B,
        0x1B, 0x1B, 0x1B, 0x1C, 0x1C, 0x1C, 0x1C, 0x1D, 0x1D, 0x1D, 0x1D, 0x1E, 0x1E, 0x1E, 0x1E, 0x1F,
        0x1F, 0x1F, 0x1F, 0x20, 0x20, 0x21, 0x21, 0x22, 0x22, 0x23, 0x23, 0x24, 0x24, 0x25, 0x25, 0x26,
        0x26, 0x27, 0x27, 0x28, 0x28, 0x29, 0x29, 0x2A, 0x2A, 0x2B, 0x2B, 0x2C, 0x2C, 0x2D, 0x2D, 0x2E,
        0x2E, 0x2F, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C,
        0x3D, 0x3E, 0x3F, 0x40, 0x42, 0x44, 0x46, 0x48, 0x4A, 0x4C, 0x4E, 0x50, 0x53, 0x57, 0x5B, 0x5F,
        0x67, 0x6F, 0x7F, 0xEF, 0xE7, 0xE0, 0xDC, 0xD8, 0xD4, 0xD0, 0xCE, 0xCC, 0xCA, 0xC8, 0xC6, 0xC4,
        0xC2, 0xC0, 0xBF, 0xBE, 0xBD, 0xBC, 0xBB, 0xBA, 0xB9, 0xB8, 0xB7, 0xB6, 0xB5, 0xB4, 0xB3, 0xB2,
        0xB1, 0xB0, 0xAF, 0xAF, 0xAE, 0xAE, 0xAD, 0xAD, 0xAC, 0xAC, 0xAB, 0xAB, 0xAA, 0xAA, 0xA9, 0xA9,
        0xA8, 0xA8, 0xA7, 0xA7, 0xA6, 0xA6, 0xA5, 0xA5, 0xA4, 0xA4, 0xA3, 0xA3, 0xA2, 0xA2, 0xA1, 0xA1,
        0xA0, 0xA0, 0x9F, 0x9F, 0x9F, 0x9F, 0x9E, 0x9E, 0x9E, 0x9E, 0x9D, 0x9D, 0x9D, 0x9D, 0x9C, 0x9C,
        0x9C, 0x9C, 0x9B, 0x9B, 0x9B, 0x9B, 0x9A, 0x9A, 0x9A, 0x9A, 0x99, 0x99, 0x99, 0x99, 0x98, 0x98,
        0x98, 0x98, 0x97, 0x97, 0x97, 0x97, 0x96, 0x96, 0x96, 0x96, 0x95, 0x95, 0x95, 0x95, 0x94, 0x94,
        0x94, 0x94, 0x93, 0x93, 0x93, 0x93, 0x92, 0x92, 0x92, 0x92, 0x91, 0x91, 0x91, 0x91, 0x90, 0x90,
        0x90, 0x90, 0x8F, 0x8F, 0x8F, 0x8F, 0x8F, 0x8F, 0x8F, 0x8F, 0x8F, 0x8E, 0x8E, 0x8E, 0x8E, 0x8E,
        0x8E, 0x8E, 0x8E, 0x8D, 0x8D, 0x8D, 0x8D, 0x8D, 0x8D, 0x8D, 0x8D, 0x8C, 0x8C, 0x8C, 0x8C, 0x8C,
        0x8C, 0x8C, 0x8C, 0x8B, 0x8B, 0x8B, 0x8B, 0x8B, 0x8B, 0x8B, 0x8B, 0x8A, 0x8A, 0x8A, 0x8A, 0x8A,
        0x8A, 0x8A, 0x8A, 0x89, 0x89, 0x89, 0x89, 0x89, 0x89, 0x89, 0x89, 0x88, 0x88, 0x88, 0x88, 0x88,
        0x88, 0x88, 0x88, 0x87, 0x87, 0x87, 0x87, 0x87, 0x87, 0x87, 0x87, 0x86, 0x86, 0x86, 0x86, 0x86,
        0x86, 0x86, 0x86, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x85, 0x84, 0x84, 0x84, 0x84, 0x84,
        0x84, 0x84, 0x84, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x83, 0x82, 0x82, 0x82, 0x82, 0x82,
        0x82, 0x82, 0x82, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80,
        0x80, 0x80, 0x80, 0x80, 0x80,
    ]

    static let stridedInputs = Array(stride(from: Int16.min, through: Int16.max, by: 127))

    /// Codes in increasing order of the value they decode to: the negative half from the loudest (0x00) to
    /// negative zero (0x7F), then the positive half from zero (0xFF) to the loudest (0x80).
    static let codesInValueOrder: [UInt8] = Array(0x00...0x7F) + Array((0x80...0xFF).reversed())

    /// A deliberately naive port of the Sun reference `linear2ulaw`, table search and all, to cross-check the
    /// bit tricks in `MuLaw.encode` on every possible input.
    static let segmentEnds = [0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF]
    static func referenceEncode(_ sample: Int16) -> UInt8 {
        var value = Int(sample)
        let mask: UInt8
        if value < 0 {
            value = 0x84 - value
            mask = 0x7F
        } else {
            value += 0x84
            mask = 0xFF
        }
        guard let segment = segmentEnds.firstIndex(where: { value <= $0 }) else {
            return 0x7F ^ mask
        }
        return UInt8((segment << 4) | ((value >> (segment + 3)) & 0x0F)) ^ mask
    }

    @Test(
        "Reference values from G.711 / Sun g711.c",
        arguments: [
            (UInt8(0xFF), Int16(0)), (0x7F, 0), (0x00, -32124), (0x80, 32124), (0xFE, 8), (0x7E, -8),
            (0xF0, 120), (0x70, -120), (0xEF, 132), (0x8F, 16764), (0x0F, -16764),
        ] as [(UInt8, Int16)]
    )
    func decodeSpotValues(byte: UInt8, expected: Int16) {
        #expect(MuLaw.decode(byte) == expected)
    }

    @Test(
        "Reference encodings from G.711 / Sun g711.c",
        arguments: [
            (Int16(0), UInt8(0xFF)), (-1, 0x7F), (1, 0xFF), (32767, 0x80), (-32768, 0x00), (32635, 0x80),
            (-32635, 0x00), (4, 0xFE), (-4, 0x7E), (3, 0xFF), (-3, 0x7F), (8, 0xFE), (-8, 0x7E),
        ] as [(Int16, UInt8)]
    )
    func encodeSpotValues(sample: Int16, expected: UInt8) {
        #expect(MuLaw.encode(sample) == expected)
    }

    @Test("All 256 codes decode exactly as the C reference")
    func decodeTableMatchesReference() {
        #expect(Self.referenceDecode.count == 256)
        let decoded = (0...255).map { MuLaw.decode(UInt8($0)) }
        #expect(decoded == Self.referenceDecode)
    }

    @Test("Strided encode inputs match the C reference")
    func encodeMatchesReferenceStrided() {
        #expect(Self.stridedInputs.count == Self.referenceEncodeStrided.count)
        for (sample, expected) in zip(Self.stridedInputs, Self.referenceEncodeStrided) {
            #expect(MuLaw.encode(sample) == expected, "encode(\(sample))")
        }
    }

    @Test("Every Int16 encodes like the naive reference port")
    func encodeMatchesReferencePortExhaustively() {
        let mismatches = (Int(Int16.min)...Int(Int16.max)).lazy
            .map { Int16($0) }
            .filter { MuLaw.encode($0) != Self.referenceEncode($0) }
        #expect(Array(mismatches.prefix(10)) == [])
    }

    @Test("decode(encode(decode(b))) == decode(b) for every code")
    func roundTripIsStable() {
        for byte in UInt8.min...UInt8.max {
            let value = MuLaw.decode(byte)
            #expect(MuLaw.decode(MuLaw.encode(value)) == value, "code 0x\(String(byte, radix: 16))")
        }
    }

    @Test("Every code but negative zero re-encodes to itself")
    func encodeInvertsDecode() {
        for byte in UInt8.min...UInt8.max where byte != 0x7F {
            #expect(MuLaw.encode(MuLaw.decode(byte)) == byte, "code 0x\(String(byte, radix: 16))")
        }
        // Negative zero has no PCM representation of its own and comes back as positive zero.
        #expect(MuLaw.encode(MuLaw.decode(0x7F)) == 0xFF)
    }

    @Test("The code halves mirror each other")
    func decodeIsSymmetric() {
        for byte in UInt8(0x00)...0x7F {
            #expect(MuLaw.decode(byte) == -MuLaw.decode(byte | 0x80))
        }
    }

    @Test("Decode increases strictly along sign, segment and mantissa order")
    func decodeIsMonotonic() {
        let values = Self.codesInValueOrder.map(MuLaw.decode)
        for (index, pair) in zip(values, values.dropFirst()).enumerated() {
            // The only repeated value is zero, which has a positive (0xFF) and a negative (0x7F) code.
            if Self.codesInValueOrder[index] == 0x7F {
                #expect(pair.0 == pair.1)
            } else {
                #expect(pair.0 < pair.1, "between codes at ranks \(index) and \(index + 1)")
            }
        }
    }

    @Test("Encode never decreases as the input grows")
    func encodeIsMonotonic() {
        var rank = [Int](repeating: 0, count: 256)
        for (position, code) in Self.codesInValueOrder.enumerated() {
            rank[Int(code)] = position
        }
        var previous = rank[Int(MuLaw.encode(.min))]
        var decreases = 0
        for sample in Int16.min...Int16.max {
            let current = rank[Int(MuLaw.encode(sample))]
            if current < previous {
                decreases += 1
            }
            previous = current
        }
        #expect(decreases == 0)
    }

    @Test("Collection buffer variants append exactly the scalar results")
    func collectionVariantsMatchScalar() {
        // A permutation of all codes (167 is odd), so every table entry is exercised in a non-trivial order.
        let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 167) }
        var pcm: [Int16] = [42]
        MuLaw.decode(bytes, into: &pcm)
        #expect(pcm == [42] + bytes.map(MuLaw.decode))

        // A non-contiguous collection takes the generic path.
        var fromLazy: [Int16] = []
        MuLaw.decode((0...255).lazy.map { UInt8($0) }, into: &fromLazy)
        #expect(fromLazy == Self.referenceDecode)

        // A slice is contiguous but does not start at index 0.
        var fromSlice: [Int16] = []
        MuLaw.decode(bytes[100..<300], into: &fromSlice)
        #expect(fromSlice == bytes[100..<300].map(MuLaw.decode))

        var codes: [UInt8] = [7]
        MuLaw.encode(Self.stridedInputs, into: &codes)
        #expect(codes == [7] + Self.referenceEncodeStrided)

        var codesFromLazy: [UInt8] = []
        MuLaw.encode(Self.stridedInputs.lazy.map { $0 }, into: &codesFromLazy)
        #expect(codesFromLazy == Self.referenceEncodeStrided)

        var empty: [UInt8] = []
        MuLaw.encode([Int16](), into: &empty)
        #expect(empty.isEmpty)
    }

    @Test("Unsafe buffer variants write exactly the scalar results")
    func unsafeVariantsMatchScalar() {
        let bytes = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 167) }
        // One spare element checks that nothing past input.count is written.
        var pcm = [Int16](repeating: 0x5A5A, count: bytes.count + 1)
        bytes.withUnsafeBufferPointer { input in
            pcm.withUnsafeMutableBufferPointer { MuLaw.decode(input, into: $0) }
        }
        #expect(pcm == bytes.map(MuLaw.decode) + [0x5A5A])

        let samples = Array(Int16.min...Int16.max)
        var codes = [UInt8](repeating: 0xA5, count: samples.count + 1)
        samples.withUnsafeBufferPointer { input in
            codes.withUnsafeMutableBufferPointer { MuLaw.encode(input, into: $0) }
        }
        #expect(codes == samples.map(MuLaw.encode) + [0xA5])
    }

    @Test("Repeated appends keep growing capacity geometrically")
    func appendingGrowsGeometrically() {
        var pcm: [Int16] = []
        var reallocations = 0
        var capacity = pcm.capacity
        let frame = [UInt8](repeating: 0x80, count: 160)
        for iteration in 0..<1000 {
            // Contiguous and non-contiguous input take different paths; both must grow geometrically.
            if iteration.isMultiple(of: 2) {
                MuLaw.decode(frame, into: &pcm)
            } else {
                MuLaw.decode(repeatElement(UInt8(0x80), count: 160), into: &pcm)
            }
            if pcm.capacity != capacity {
                reallocations += 1
                capacity = pcm.capacity
            }
        }
        #expect(pcm == [Int16](repeating: 32124, count: 160_000))
        #expect(reallocations < 20)
    }

    @Test("The unsafe variants reject an output shorter than the input")
    func unsafeVariantRejectsShortOutput() async {
        await #expect(processExitsWith: .failure) {
            let input: [UInt8] = [1, 2, 3]
            var output = [Int16](repeating: 0, count: 2)
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { MuLaw.decode(input, into: $0) }
            }
        }
    }
}
