import Media
import Testing

@Suite("ALaw")
struct ALawTests {
    /// `alaw_expand(b)` for b = 0x00...0xFF, printed by a C build of the ITU-T G.191 STL `g711.c` reference.
    static let referenceDecode: [Int16] = [
        -5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736,
        -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784,
        -2752, -2624, -3008, -2880, -2240, -2112, -2496, -2368,
        -3776, -3648, -4032, -3904, -3264, -3136, -3520, -3392,
        -22016, -20992, -24064, -23040, -17920, -16896, -19968, -18944,
        -30208, -29184, -32256, -31232, -26112, -25088, -28160, -27136,
        -11008, -10496, -12032, -11520, -8960, -8448, -9984, -9472,
        -15104, -14592, -16128, -15616, -13056, -12544, -14080, -13568,
        -344, -328, -376, -360, -280, -264, -312, -296,
        -472, -456, -504, -488, -408, -392, -440, -424,
        -88, -72, -120, -104, -24, -8, -56, -40,
        -216, -200, -248, -232, -152, -136, -184, -168,
        -1376, -1312, -1504, -1440, -1120, -1056, -1248, -1184,
        -1888, -1824, -2016, -1952, -1632, -1568, -1760, -1696,
        -688, -656, -752, -720, -560, -528, -624, -592,
        -944, -912, -1008, -976, -816, -784, -880, -848,
        5504, 5248, 6016, 5760, 4480, 4224, 4992, 4736,
        7552, 7296, 8064, 7808, 6528, 6272, 7040, 6784,
        2752, 2624, 3008, 2880, 2240, 2112, 2496, 2368,
        3776, 3648, 4032, 3904, 3264, 3136, 3520, 3392,
        22016, 20992, 24064, 23040, 17920, 16896, 19968, 18944,
        30208, 29184, 32256, 31232, 26112, 25088, 28160, 27136,
        11008, 10496, 12032, 11520, 8960, 8448, 9984, 9472,
        15104, 14592, 16128, 15616, 13056, 12544, 14080, 13568,
        344, 328, 376, 360, 280, 264, 312, 296,
        472, 456, 504, 488, 408, 392, 440, 424,
        88, 72, 120, 104, 24, 8, 56, 40,
        216, 200, 248, 232, 152, 136, 184, 168,
        1376, 1312, 1504, 1440, 1120, 1056, 1248, 1184,
        1888, 1824, 2016, 1952, 1632, 1568, 1760, 1696,
        688, 656, 752, 720, 560, 528, 624, 592,
        944, 912, 1008, 976, 816, 784, 880, 848,
    ]

    /// `alaw_compress(x)` from the same C reference for x = -32768, -32768 + 127, ... (517 inputs up to 32764).
    static let referenceEncodeStrided: [UInt8] = [
        0x2A, 0x2A, 0x2A, 0x2A, 0x2A, 0x2A, 0x2A, 0x2A, 0x2A, 0x2B, 0x2B, 0x2B, 0x2B, 0x2B, 0x2B, 0x2B,
        0x2B, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x28, 0x29, 0x29, 0x29, 0x29, 0x29, 0x29, 0x29,
        0x29, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2F, 0x2F, 0x2F, 0x2F, 0x2F, 0x2F, 0x2F,
        0x2F, 0x2C, 0x2C, 0x2C, 0x2C, 0x2C, 0x2C, 0x2C, 0x2C, 0x2D, 0x2D, 0x2D, 0x2D, 0x2D, 0x2D, 0x2D,
        0x2D, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x23, 0x23, 0x23, 0x23, 0x23, 0x23, 0x23,
        0x23, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21, 0x21,
        0x21, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x26, 0x27, 0x27, 0x27, 0x27, 0x27, 0x27, 0x27,
        0x27, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x24, 0x25, 0x25, 0x25, 0x25, 0x25, 0x25, 0x25,
        0x25, 0x25, 0x3A, 0x3A, 0x3A, 0x3A, 0x3B, 0x3B, 0x3B, 0x3B, 0x38, 0x38, 0x38, 0x38, 0x39, 0x39,
        0x39, 0x39, 0x3E, 0x3E, 0x3E, 0x3E, 0x3F, 0x3F, 0x3F, 0x3F, 0x3C, 0x3C, 0x3C, 0x3C, 0x3D, 0x3D,
        0x3D, 0x3D, 0x32, 0x32, 0x32, 0x32, 0x33, 0x33, 0x33, 0x33, 0x30, 0x30, 0x30, 0x30, 0x31, 0x31,
        0x31, 0x31, 0x36, 0x36, 0x36, 0x36, 0x37, 0x37, 0x37, 0x37, 0x34, 0x34, 0x34, 0x34, 0x35, 0x35,
        0x35, 0x35, 0x0A, 0x0A, 0x0B, 0x0B, 0x08, 0x08, 0x09, 0x09, 0x0E, 0x0E, 0x0F, 0x0F, 0x0C, 0x0C,
        0x0D, 0x0D, 0x02, 0x02, 0x03, 0x03, 0x00, 0x00, 0x01, 0x01, 0x06, 0x06, 0x07, 0x07, 0x04, 0x04,
        0x05, 0x05, 0x1A, 0x1B, 0x18, 0x19, 0x1E, 0x1F, 0x1C, 0x1D, 0x12, 0x13, 0x10, 0x11, 0x16, 0x17,
        0x14, 0x15, 0x6A, 0x68, 0x6E, 0x6C, 0x62, 0x60, 0x66, 0x64, 0x7A, 0x7E, 0x72, 0x76, 0x4A, 0x42,
        0x5A, 0x5D, 0x55, 0xD2, 0xDA, 0xC2, 0xCA, 0xF6, 0xF2, 0xFE, 0xFA, 0xE4, 0xE6, 0xE0, 0xE2, 0xEC,
        0xEE, 0xE8, 0xEA, 0x95, 0x94, 0x97, 0x96, 0x91, 0x90, 0x93, 0x92, 0x9D, 0x9C, 0x9F, 0x9E, 0x99,
        0x98, 0x9B, 0x9A, 0x85, 0x85, 0x84, 0x84, 0x87, 0x87, 0x86, 0x86, 0x81, 0x81, 0x80, 0x80, 0x83,
        0x83, 0x82, 0x82, 0x8D, 0x8D, 0x8C, 0x8C, 0x8F, 0x8F, 0x8E, 0x8E, 0x89, 0x89, 0x88, 0x88, 0x8B,
        0x8B, 0x8A, 0x8A, 0xB5, 0xB5, 0xB5, 0xB5, 0xB4, 0xB4, 0xB4, 0xB4, 0xB7, 0xB7, 0xB7, 0xB7, 0xB6,
        0xB6, 0xB6, 0xB6, 0xB1, 0xB1, 0xB1, 0xB1, 0xB0, 0xB0, 0xB0, 0xB0, 0xB3, 0xB3, 0xB3, 0xB3, 0xB2,
        0xB2, 0xB2, 0xB2, 0xBD, 0xBD, 0xBD, 0xBD, 0xBC, 0xBC, 0xBC, 0xBC, 0xBF, 0xBF, 0xBF, 0xBF, 0xBE,
        0xBE, 0xBE, 0xBE, 0xB9, 0xB9, 0xB9, 0xB9, 0xB8, 0xB8, 0xB8, 0xB8, 0xBB, 0xBB, 0xBB, 0xBB, 0xBA,
        0xBA, 0xBA, 0xBA, 0xBA, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA4, 0xA4, 0xA4, 0xA4,
        0xA4, 0xA4, 0xA4, 0xA4, 0xA7, 0xA7, 0xA7, 0xA7, 0xA7, 0xA7, 0xA7, 0xA7, 0xA6, 0xA6, 0xA6, 0xA6,
        0xA6, 0xA6, 0xA6, 0xA6, 0xA1, 0xA1, 0xA1, 0xA1, 0xA1, 0xA1, 0xA1, 0xA1, 0xA0, 0xA0, 0xA0, 0xA0,
        0xA0, 0xA0, 0xA0, 0xA0, 0xA3, 0xA3, 0xA3, 0xA3, 0xA3, 0xA3, 0xA3, 0xA3, 0xA2, 0xA2, 0xA2, 0xA2,
        0xA2, 0xA2, 0xA2, 0xA2, 0xAD, 0xAD, 0xAD, 0xAD, 0xAD, 0xAD, 0xAD, 0xAD, 0xAC, 0xAC, 0xAC, 0xAC,
        0xAC, 0xAC, 0xAC, 0xAC, 0xAF, 0xAF, 0xAF, 0xAF, 0xAF, 0xAF, 0xAF, 0xAF, 0xAE, 0xAE, 0xAE, 0xAE,
        0xAE, 0xAE, 0xAE, 0xAE, 0xA9, 0xA9, 0xA9, 0xA9, 0xA9, 0xA9, 0xA9, 0xA9, 0xA8, 0xA8, 0xA8, 0xA8,
        0xA8, 0xA8, 0xA8, 0xA8, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAA, 0xAA, 0xAA, 0xAA,
        0xAA, 0xAA, 0xAA, 0xAA, 0xAA,
    ]

    static let stridedInputs = Array(stride(from: Int16.min, through: Int16.max, by: 127))

    /// Codes in increasing order of the value they decode to: with the even bits restored, the negative half
    /// from the loudest (0x7F) to the quietest (0x00), then the positive half from 0x80 to 0xFF.
    static let codesInValueOrder: [UInt8] = (Array((0x00...0x7F).reversed()) + Array(0x80...0xFF)).map { $0 ^ 0x55 }

    /// A deliberately naive port of the G.191 STL `alaw_compress`, shift-and-count loop and all, to
    /// cross-check the bit tricks in `ALaw.encode` on every possible input.
    static func referenceEncode(_ sample: Int16) -> UInt8 {
        var ix = sample < 0 ? Int(~sample) >> 4 : Int(sample) >> 4
        if ix > 15 {
            var exponent = 1
            while ix > 16 + 15 {
                ix >>= 1
                exponent += 1
            }
            ix -= 16
            ix += exponent << 4
        }
        if sample >= 0 {
            ix |= 0x80
        }
        return UInt8(ix) ^ 0x55
    }

    @Test(
        "Reference values from G.711 / G.191 STL g711.c",
        arguments: [
            (UInt8(0xD5), Int16(8)), (0x55, -8), (0xAA, 32256), (0x2A, -32256), (0xD4, 24), (0x54, -24),
            (0xC5, 264), (0x45, -264), (0x80, 5504), (0x00, -5504), (0xFF, 848), (0x7F, -848),
        ] as [(UInt8, Int16)]
    )
    func decodeSpotValues(byte: UInt8, expected: Int16) {
        #expect(ALaw.decode(byte) == expected)
    }

    @Test(
        "Reference encodings from G.711 / G.191 STL g711.c",
        arguments: [
            (Int16(0), UInt8(0xD5)), (-1, 0x55), (1, 0xD5), (32767, 0xAA), (-32768, 0x2A), (15, 0xD5), (16, 0xD4),
            (-16, 0x55), (-17, 0x54), (31, 0xD4), (32, 0xD7), (4095, 0x9A), (4096, 0x85), (-4096, 0x1A),
            (-4097, 0x05),
        ] as [(Int16, UInt8)]
    )
    func encodeSpotValues(sample: Int16, expected: UInt8) {
        #expect(ALaw.encode(sample) == expected)
    }

    @Test("All 256 codes decode exactly as the C reference")
    func decodeTableMatchesReference() {
        #expect(Self.referenceDecode.count == 256)
        let decoded = (0...255).map { ALaw.decode(UInt8($0)) }
        #expect(decoded == Self.referenceDecode)
    }

    @Test("Strided encode inputs match the C reference")
    func encodeMatchesReferenceStrided() {
        #expect(Self.stridedInputs.count == Self.referenceEncodeStrided.count)
        for (sample, expected) in zip(Self.stridedInputs, Self.referenceEncodeStrided) {
            #expect(ALaw.encode(sample) == expected, "encode(\(sample))")
        }
    }

    @Test("Every Int16 encodes like the naive reference port")
    func encodeMatchesReferencePortExhaustively() {
        let mismatches = (Int(Int16.min)...Int(Int16.max)).lazy
            .map { Int16($0) }
            .filter { ALaw.encode($0) != Self.referenceEncode($0) }
        #expect(Array(mismatches.prefix(10)) == [])
    }

    @Test("decode(encode(decode(b))) == decode(b) for every code")
    func roundTripIsStable() {
        for byte in UInt8.min...UInt8.max {
            let value = ALaw.decode(byte)
            #expect(ALaw.decode(ALaw.encode(value)) == value, "code 0x\(String(byte, radix: 16))")
        }
    }

    @Test("Every code re-encodes to itself")
    func encodeInvertsDecode() {
        // Unlike mu-law, A-law has no negative zero, so decoding is injective.
        for byte in UInt8.min...UInt8.max {
            #expect(ALaw.encode(ALaw.decode(byte)) == byte, "code 0x\(String(byte, radix: 16))")
        }
    }

    @Test("The code halves mirror each other")
    func decodeIsSymmetric() {
        for byte in UInt8(0x00)...0x7F {
            #expect(ALaw.decode(byte) == -ALaw.decode(byte | 0x80))
        }
    }

    @Test("Decode increases strictly along sign, segment and mantissa order")
    func decodeIsMonotonic() {
        let values = Self.codesInValueOrder.map(ALaw.decode)
        for (index, pair) in zip(values, values.dropFirst()).enumerated() {
            #expect(pair.0 < pair.1, "between codes at ranks \(index) and \(index + 1)")
        }
    }

    @Test("Encode never decreases as the input grows")
    func encodeIsMonotonic() {
        var rank = [Int](repeating: 0, count: 256)
        for (position, code) in Self.codesInValueOrder.enumerated() {
            rank[Int(code)] = position
        }
        var previous = rank[Int(ALaw.encode(.min))]
        var decreases = 0
        for sample in Int16.min...Int16.max {
            let current = rank[Int(ALaw.encode(sample))]
            if current < previous {
                decreases += 1
            }
            previous = current
        }
        #expect(decreases == 0)
    }

    @Test("The unsafe variants reject an output shorter than the input")
    func unsafeVariantRejectsShortOutput() async {
        await #expect(processExitsWith: .failure) {
            let input: [Int16] = [1, 2, 3]
            var output = [UInt8](repeating: 0, count: 2)
            input.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { ALaw.encode(input, into: $0) }
            }
        }
    }
}

/// `G711Encoding` only dispatches and transcodes; the codecs themselves are covered above and in `MuLawTests`.
@Suite("G711Encoding")
struct G711EncodingTests {
    @Test("Raw values are the negotiated media types")
    func rawValues() {
        #expect(G711Encoding.muLaw.rawValue == "audio/x-mulaw")
        #expect(G711Encoding.aLaw.rawValue == "audio/x-alaw")
        #expect(G711Encoding(rawValue: "audio/x-alaw") == .aLaw)
        #expect(G711Encoding(rawValue: "audio/L16") == nil)
    }

    @Test("Dispatch reaches the matching codec", arguments: G711Encoding.allCases)
    func dispatch(encoding: G711Encoding) {
        let scalarDecode: (UInt8) -> Int16 = { encoding == .muLaw ? MuLaw.decode($0) : ALaw.decode($0) }
        let scalarEncode: (Int16) -> UInt8 = { encoding == .muLaw ? MuLaw.encode($0) : ALaw.encode($0) }
        let bytes = Array(UInt8.min...UInt8.max)
        let samples = Array(stride(from: Int16.min, through: Int16.max, by: 61))

        #expect(bytes.map(encoding.decode) == bytes.map(scalarDecode))
        #expect(samples.map(encoding.encode) == samples.map(scalarEncode))

        var pcm: [Int16] = []
        encoding.decode(bytes, into: &pcm)
        #expect(pcm == bytes.map(scalarDecode))
        var codes: [UInt8] = []
        encoding.encode(samples, into: &codes)
        #expect(codes == samples.map(scalarEncode))

        var unsafePCM = [Int16](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { input in
            unsafePCM.withUnsafeMutableBufferPointer { encoding.decode(input, into: $0) }
        }
        #expect(unsafePCM == pcm)
        var unsafeCodes = [UInt8](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { input in
            unsafeCodes.withUnsafeMutableBufferPointer { encoding.encode(input, into: $0) }
        }
        #expect(unsafeCodes == codes)
    }

    @Test(
        "mu-law to A-law matches the C references composed through PCM",
        arguments: [
            (UInt8(0xFF), UInt8(0xD5)), (0x7F, 0xD5), (0x00, 0x2A), (0x80, 0xAA), (0xFE, 0xD5), (0x7E, 0x55),
            (0xF0, 0xD2), (0x10, 0x3A),
        ] as [(UInt8, UInt8)]
    )
    func muLawToALawSpotValues(muLaw: UInt8, aLaw: UInt8) {
        #expect(G711Encoding.muLaw.transcode(muLaw, to: .aLaw) == aLaw)
    }

    @Test(
        "A-law to mu-law matches the C references composed through PCM",
        arguments: [
            (UInt8(0xD5), UInt8(0xFE)), (0x55, 0x7E), (0x2A, 0x00), (0xAA, 0x80), (0xD4, 0xFC), (0x54, 0x7C),
            (0xC5, 0xE7), (0x45, 0x67),
        ] as [(UInt8, UInt8)]
    )
    func aLawToMuLawSpotValues(aLaw: UInt8, muLaw: UInt8) {
        #expect(G711Encoding.aLaw.transcode(aLaw, to: .muLaw) == muLaw)
    }

    @Test("Transcoding equals decode-then-encode for every code and pair", arguments: G711Encoding.allCases)
    func transcodeMatchesComposition(source: G711Encoding) {
        let bytes = Array(UInt8.min...UInt8.max)
        for target in G711Encoding.allCases {
            let expected = source == target ? bytes : bytes.map { target.encode(source.decode($0)) }
            #expect(bytes.map { source.transcode($0, to: target) } == expected)

            var appended: [UInt8] = [1, 2]
            source.transcode(bytes, to: target, into: &appended)
            #expect(appended == [1, 2] + expected)

            var written = [UInt8](repeating: 0, count: bytes.count)
            bytes.withUnsafeBufferPointer { input in
                written.withUnsafeMutableBufferPointer { source.transcode(input, to: target, into: $0) }
            }
            #expect(written == expected)

            // In place: the RTP payload buffer is commonly rewritten where it lies.
            var inPlace = bytes
            inPlace.withUnsafeMutableBufferPointer { buffer in
                source.transcode(UnsafeBufferPointer(buffer), to: target, into: buffer)
            }
            #expect(inPlace == expected)
        }
    }

    @Test("Transcoding keeps the decoded value within half an A-law step")
    func transcodingPreservesValue() {
        for byte in UInt8.min...UInt8.max {
            let original = Int(MuLaw.decode(byte))
            let converted = Int(ALaw.decode(G711Encoding.muLaw.transcode(byte, to: .aLaw)))
            // An A-law step is at most 1024 (segment 7), so the error is at most half of that.
            #expect(abs(original - converted) <= 512, "mu-law code 0x\(String(byte, radix: 16))")
        }
    }
}
