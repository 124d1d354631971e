import Media
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds WAV files chunk by chunk, so that tests can make the odd ones real files contain.
struct WAVBuilder {
    var bytes: [UInt8] = []

    static func le16(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)]
    }

    static func le32(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24 & 0xFF)]
    }

    /// A `fmt ` body: tag, channels, rate, byte rate, block align, bits.
    static func format(tag: Int, channels: Int, rate: Int, bits: Int, blockAlign: Int? = nil) -> [UInt8] {
        let align = blockAlign ?? channels * bits / 8
        return le16(tag) + le16(channels) + le32(rate) + le32(rate * align) + le16(align) + le16(bits)
    }

    /// A WAVE_FORMAT_EXTENSIBLE `fmt ` body for `subFormat`.
    static func extensible(subFormat: Int, channels: Int, rate: Int, bits: Int, validBits: Int? = nil) -> [UInt8] {
        format(tag: 0xFFFE, channels: channels, rate: rate, bits: bits) + le16(22) + le16(validBits ?? bits)
            + le32(channels == 2 ? 3 : 4) + le16(subFormat)
            + [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    }

    mutating func chunk(_ id: String, _ body: [UInt8], declaredSize: Int? = nil, pad: Bool = true) {
        self.bytes += Array(id.utf8) + Self.le32(declaredSize ?? body.count) + body
        if pad, body.count % 2 == 1 {
            self.bytes.append(0)
        }
    }

    /// The file: the RIFF header around the chunks.
    var file: [UInt8] {
        Array("RIFF".utf8) + Self.le32(self.bytes.count + 4) + Array("WAVE".utf8) + self.bytes
    }
}

@Suite("WAVFormat")
struct WAVFormatTests {
    static func header(_ format: WAVFormat, dataByteCount: Int) -> [UInt8] {
        var buffer = ByteBuffer()
        format.writeHeader(dataByteCount: dataByteCount, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    @Test func aPCMHeaderIsTheClassic44Bytes() {
        let format = WAVFormat(encoding: .pcm16, sampleRate: 16000, channels: 2)
        #expect(format.blockAlign == 4)
        #expect(format.byteRate == 64000)
        #expect(format.headerSize == 44)
        let expected: [UInt8] =
            Array("RIFF".utf8) + [0x2C, 0x00, 0x00, 0x00] + Array("WAVE".utf8)  // 36 + 8 data bytes
            + Array("fmt ".utf8) + [0x10, 0x00, 0x00, 0x00]  // 16-byte fmt chunk
            + [0x01, 0x00, 0x02, 0x00]  // PCM, 2 channels
            + [0x80, 0x3E, 0x00, 0x00]  // 16000 Hz
            + [0x00, 0xFA, 0x00, 0x00]  // 64000 bytes/s
            + [0x04, 0x00, 0x10, 0x00]  // block align 4, 16 bits
            + Array("data".utf8) + [0x08, 0x00, 0x00, 0x00]
        #expect(Self.header(format, dataByteCount: 8) == expected)
    }

    @Test func aG711HeaderHasCbSizeAndAFactChunk() {
        let expected: [UInt8] =
            Array("RIFF".utf8) + [0x34, 0x00, 0x00, 0x00] + Array("WAVE".utf8)  // 50 + 2 data bytes
            + Array("fmt ".utf8) + [0x12, 0x00, 0x00, 0x00]  // 18-byte fmt chunk
            + [0x06, 0x00, 0x01, 0x00]  // A-law, mono
            + [0x40, 0x1F, 0x00, 0x00]  // 8000 Hz
            + [0x40, 0x1F, 0x00, 0x00]  // 8000 bytes/s
            + [0x01, 0x00, 0x08, 0x00]  // block align 1, 8 bits
            + [0x00, 0x00]  // cbSize
            + Array("fact".utf8) + [0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
            + Array("data".utf8) + [0x02, 0x00, 0x00, 0x00]
        #expect(Self.header(WAVFormat(encoding: .aLaw, sampleRate: 8000, channels: 1), dataByteCount: 2) == expected)
        let muLaw = Self.header(.telephony, dataByteCount: 2)
        #expect(muLaw.count == 58)
        #expect(muLaw[20] == 0x07)
    }

    @Test func anOddDataSizeCountsItsPadByteInTheRIFFSize() {
        let header = Self.header(.telephony, dataByteCount: 3)
        // 50 + 3 data bytes + 1 pad byte.
        #expect(header[4..<8] == [54, 0, 0, 0])
        #expect(header[54..<58] == [3, 0, 0, 0])
    }

    @Test func encodingFacts() {
        #expect(WAVFormat.Encoding.allCases.map(\.formatTag) == [1, 7, 6])
        #expect(WAVFormat.Encoding.allCases.map(\.bitsPerSample) == [16, 8, 8])
        #expect(WAVFormat.telephony == WAVFormat(encoding: .muLaw, sampleRate: 8000, channels: 1))
    }
}

@Suite("WAVReader")
struct WAVReaderTests {
    static func read(_ file: [UInt8]) -> Result<WAVReader, WAVError> {
        Result { () throws(WAVError) in try WAVReader(file) }
    }

    static func error(_ file: [UInt8]) -> WAVError? {
        if case .failure(let error) = Self.read(file) { error } else { nil }
    }

    @Test func readsWhatTheHeaderWriterWrites() throws {
        for format in [
            WAVFormat.telephony, WAVFormat(encoding: .aLaw, sampleRate: 8000, channels: 2),
            WAVFormat(encoding: .pcm16, sampleRate: 44100, channels: 2),
        ] {
            let audio = (0..<(format.blockAlign * 101)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            var buffer = ByteBuffer()
            format.writeHeader(dataByteCount: audio.count, into: &buffer)
            buffer.writeBytes(audio)
            let reader = try WAVReader(buffer)
            #expect(reader.format == format)
            #expect(Array(reader.data.readableBytesView) == audio)
            #expect(reader.frameCount == 101)
        }
    }

    @Test func unknownChunksAreSkippedWithTheirPadBytes() throws {
        var builder = WAVBuilder()
        builder.chunk("LIST", Array("INFOISFT\u{5}\0\0\0Lavf\0".utf8))  // 17 bytes: padded
        builder.chunk("fmt ", WAVBuilder.format(tag: 1, channels: 1, rate: 16000, bits: 16))
        builder.chunk("junk", [1, 2, 3])
        builder.chunk("data", [0x01, 0x80, 0xFF, 0x7F])
        builder.chunk("cue ", [0, 0, 0, 0])
        let reader = try WAVReader(builder.file)
        #expect(reader.format == WAVFormat(encoding: .pcm16, sampleRate: 16000, channels: 1))
        #expect(Array(reader.data.readableBytesView) == [0x01, 0x80, 0xFF, 0x7F])
        #expect(reader.monoPCM() == [-32767, 32767])
    }

    @Test func aFormatChunkAfterTheDataIsFound() throws {
        var builder = WAVBuilder()
        builder.chunk("data", [1, 2, 3])
        builder.chunk("fmt ", WAVBuilder.format(tag: 7, channels: 1, rate: 8000, bits: 8))
        let reader = try WAVReader(builder.file)
        #expect(reader.format == .telephony)
        #expect(Array(reader.data.readableBytesView) == [1, 2, 3])
    }

    @Test func extensiblePCMIsAccepted() throws {
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.extensible(subFormat: 1, channels: 2, rate: 48000, bits: 16))
        builder.chunk("data", [1, 0, 3, 0, 5, 0, 7, 0])
        let reader = try WAVReader(builder.file)
        #expect(reader.format == WAVFormat(encoding: .pcm16, sampleRate: 48000, channels: 2))
        #expect(reader.monoPCM() == [2, 6])
    }

    @Test(arguments: [0, 0xFFFF_FFFF, 1_000_000])
    func placeholderDataSizesTakeTheBytesPresent(declared: Int) throws {
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 7, channels: 1, rate: 8000, bits: 8))
        builder.chunk("data", Array(1...9), declaredSize: declared, pad: false)
        let reader = try WAVReader(builder.file)
        #expect(Array(reader.data.readableBytesView) == Array(1...9))
    }

    @Test func aFileCutMidFrameKeepsItsWholeFrames() throws {
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 1, channels: 2, rate: 8000, bits: 16))
        builder.chunk("data", Array(1...11), declaredSize: 4000, pad: false)
        let reader = try WAVReader(builder.file)
        #expect(Array(reader.data.readableBytesView) == Array(1...8))
        #expect(reader.frameCount == 2)
    }

    @Test func aByteBufferWithAReaderOffsetIsRead() throws {
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 6, channels: 1, rate: 8000, bits: 8))
        builder.chunk("data", [0xD5, 0x55])
        var buffer = ByteBuffer(bytes: [9, 9, 9] + builder.file)
        buffer.moveReaderIndex(forwardBy: 3)
        let reader = try WAVReader(buffer)
        #expect(reader.format.encoding == .aLaw)
        #expect(Array(reader.data.readableBytesView) == [0xD5, 0x55])
    }

    static let badFiles: [(String, [UInt8], WAVError.Kind, String)] = {
        func file(format: [UInt8]?, data: [UInt8]? = [0, 0]) -> [UInt8] {
            var builder = WAVBuilder()
            if let format { builder.chunk("fmt ", format) }
            if let data { builder.chunk("data", data) }
            return builder.file
        }
        var rifx = file(format: WAVBuilder.format(tag: 1, channels: 1, rate: 8000, bits: 16))
        rifx[3] = UInt8(ascii: "X")
        var avi = file(format: nil)
        avi.replaceSubrange(8..<12, with: Array("AVI ".utf8))
        return [
            ("empty", [], .notRIFF, "not a RIFF file"),
            ("RIFX", rifx, .notRIFF, "not a RIFF file"),
            ("AVI", avi, .notWAVE, "'AVI '"),
            ("no fmt", file(format: nil), .missingFormat, "no 'fmt ' chunk"),
            (
                "no data", file(format: WAVBuilder.format(tag: 1, channels: 1, rate: 8000, bits: 16), data: nil),
                .missingData, "no 'data' chunk"
            ),
            (
                "float", file(format: WAVBuilder.format(tag: 3, channels: 1, rate: 8000, bits: 32)),
                .unsupportedEncoding, "0x3 (IEEE float)"
            ),
            (
                "MP3", file(format: WAVBuilder.format(tag: 0x55, channels: 1, rate: 8000, bits: 0, blockAlign: 1)),
                .unsupportedEncoding, "(MP3)"
            ),
            (
                "8-bit PCM", file(format: WAVBuilder.format(tag: 1, channels: 1, rate: 8000, bits: 8)),
                .unsupportedBitDepth, "8-bit PCM is not supported (only 16-bit)"
            ),
            (
                "24-bit PCM", file(format: WAVBuilder.format(tag: 1, channels: 2, rate: 48000, bits: 24)),
                .unsupportedBitDepth, "24-bit PCM"
            ),
            (
                "16-bit mu-law", file(format: WAVBuilder.format(tag: 7, channels: 1, rate: 8000, bits: 16)),
                .unsupportedBitDepth, "16-bit mu-law"
            ),
            (
                "extensible float",
                file(format: WAVBuilder.extensible(subFormat: 3, channels: 1, rate: 8000, bits: 32)),
                .unsupportedEncoding, "WAVE_FORMAT_EXTENSIBLE sub-format 0x3"
            ),
            (
                "extensible 24-bit",
                file(format: WAVBuilder.extensible(subFormat: 1, channels: 1, rate: 8000, bits: 24)),
                .unsupportedBitDepth, "24-bit PCM"
            ),
            (
                "short extensible", file(format: WAVBuilder.format(tag: 0xFFFE, channels: 1, rate: 8000, bits: 16)),
                .malformedFormat, "22 extension bytes"
            ),
            ("short fmt", file(format: [1, 0, 1, 0, 0x40, 0x1F, 0, 0]), .malformedFormat, "8 bytes, at least 16"),
            (
                "zero channels", file(format: WAVBuilder.format(tag: 1, channels: 0, rate: 8000, bits: 16)),
                .malformedFormat, "zero channels"
            ),
            (
                "zero rate", file(format: WAVBuilder.format(tag: 1, channels: 1, rate: 0, bits: 16)),
                .malformedFormat, "sample rate of zero"
            ),
            (
                "bad block align",
                file(format: WAVBuilder.format(tag: 1, channels: 2, rate: 8000, bits: 16, blockAlign: 2)),
                .malformedFormat, "block alignment 2"
            ),
            (
                "truncated fmt",
                Array(
                    file(format: WAVBuilder.format(tag: 1, channels: 1, rate: 8000, bits: 16), data: nil)
                        .dropLast(4)), .malformedFormat, "cut short"
            ),
        ]
    }()

    @Test func badFilesAreRejectedWithAClearError() {
        for (name, file, kind, text) in Self.badFiles {
            guard let error = Self.error(file) else {
                Issue.record("\(name): read without error")
                continue
            }
            #expect(error.kind == kind, "\(name): \(error)")
            #expect(error.description.contains(text), "\(name): \(error)")
            #expect(error.description.hasPrefix("WAV: "), "\(name): \(error)")
        }
    }

    @Test func telephonyAudioPassesThroughUnchanged() throws {
        let audio = (0...255).map(UInt8.init)
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 7, channels: 1, rate: 8000, bits: 8))
        builder.chunk("data", audio)
        #expect(try WAVReader(builder.file).muLaw8k() == audio)
    }

    @Test func aLawAt8kIsTranscoded() throws {
        let audio = (0...255).map(UInt8.init)
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 6, channels: 1, rate: 8000, bits: 8))
        builder.chunk("data", audio)
        #expect(try WAVReader(builder.file).muLaw8k() == audio.map { MuLaw.encode(ALaw.decode($0)) })
    }

    @Test func stereo16kPCMIsDownmixedAndResampled() throws {
        // Left a 1 kHz sine, right silent: the mono mix is half the sine, then every second sample.
        let frames = 3200
        var data: [UInt8] = []
        var expectedMono: [Int16] = []
        for frame in 0..<frames {
            let left = Int16((12000 * sin(2 * Double.pi * 1000 * Double(frame) / 16000)).rounded())
            data += WAVBuilder.le16(Int(UInt16(bitPattern: left))) + WAVBuilder.le16(0)
            expectedMono.append(left / 2)
        }
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 1, channels: 2, rate: 16000, bits: 16))
        builder.chunk("data", data)
        let reader = try WAVReader(builder.file)
        #expect(reader.monoPCM() == expectedMono)
        let muLaw = reader.muLaw8k()
        #expect(muLaw.count == 1600)
        #expect(muLaw == stride(from: 0, to: frames, by: 2).map { MuLaw.encode(expectedMono[$0]) })
    }

    @Test func stereoMuLawAt44100IsConverted() throws {
        // One second of a constant level on both channels: 8000 output samples of the same code.
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 7, channels: 2, rate: 44100, bits: 8))
        builder.chunk("data", [UInt8](repeating: 0xA0, count: 2 * 44100))
        let muLaw = try WAVReader(builder.file).muLaw8k()
        #expect(muLaw.count == 8000)
        #expect(muLaw.allSatisfy { $0 == 0xA0 })
    }

    @Test func aLawStereoIsAveraged() throws {
        var builder = WAVBuilder()
        builder.chunk("fmt ", WAVBuilder.format(tag: 6, channels: 2, rate: 8000, bits: 8))
        let left = ALaw.encode(1000)
        let right = ALaw.encode(-3000)
        builder.chunk("data", [left, right, right, left])
        let mean = Int16((Int(ALaw.decode(left)) + Int(ALaw.decode(right))) / 2)
        #expect(try WAVReader(builder.file).monoPCM() == [mean, mean])
    }
}

@Suite("WAVWriter")
struct WAVWriterTests {
    static func temporaryPath(_ name: String) -> String {
        "/tmp/switchboard-media-tests-\(getpid())-\(name).wav"
    }

    static func contents(of path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            try #require(count >= 0)
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    @Test func aMuLawFileWrittenInPiecesReadsBack() throws {
        let path = Self.temporaryPath("pieces")
        defer { unlink(path) }
        var audio: [UInt8] = []
        var writer = try WAVWriter(path: path, format: .telephony)
        for piece in 0..<7 {
            let bytes = (0..<(160 + piece * 13)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ piece) }
            try bytes.withUnsafeBytes { try writer.append($0) }
            audio += bytes
        }
        try writer.append(ByteBuffer(bytes: [1, 2]))
        audio += [1, 2]
        #expect(writer.dataByteCount == audio.count)
        try writer.finish()

        let file = try Self.contents(of: path)
        let reader = try WAVReader(file)
        #expect(reader.format == .telephony)
        #expect(Array(reader.data.readableBytesView) == audio)
        #expect(reader.muLaw8k() == audio)
        // The patched header is exactly the one for the final size, and the odd data chunk got its pad byte.
        var header = ByteBuffer()
        WAVFormat.telephony.writeHeader(dataByteCount: audio.count, into: &header)
        #expect(Array(file.prefix(58)) == Array(header.readableBytesView))
        #expect(audio.count % 2 == 1)
        #expect(file.count == 58 + audio.count + 1)
        #expect(file.last == 0)
    }

    @Test func aTinyFileHasTheExactBytes() throws {
        let path = Self.temporaryPath("tiny")
        defer { unlink(path) }
        var writer = try WAVWriter(path: path, format: WAVFormat(encoding: .pcm16, sampleRate: 8000, channels: 1))
        try writer.append(ByteBuffer(bytes: [0x34, 0x12, 0xFF, 0xFF]))
        try writer.finish()
        let expected: [UInt8] =
            Array("RIFF".utf8) + [40, 0, 0, 0] + Array("WAVE".utf8)  // 36 + 4
            + Array("fmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0]
            + [0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]  // 8000 Hz, 16000 B/s, align 2, 16 bits
            + Array("data".utf8) + [4, 0, 0, 0, 0x34, 0x12, 0xFF, 0xFF]
        #expect(try Self.contents(of: path) == expected)
        #expect(try WAVReader(expected).monoPCM() == [0x1234, -1])
    }

    @Test func aG711FileHasItsFactChunkPatched() throws {
        let path = Self.temporaryPath("fact")
        defer { unlink(path) }
        var writer = try WAVWriter(path: path, format: WAVFormat(encoding: .aLaw, sampleRate: 8000, channels: 2))
        try writer.append(ByteBuffer(bytes: [0xD5, 0xD5, 0x55, 0x55, 0xD5, 0xD5]))
        try writer.finish()
        let file = try Self.contents(of: path)
        #expect(file[4..<8] == [56, 0, 0, 0])  // 50 + 6
        #expect(Array(file[38..<50]) == Array("fact".utf8) + [4, 0, 0, 0, 3, 0, 0, 0])  // 3 sample frames
        #expect(file[54..<58] == [6, 0, 0, 0])
        #expect(file.count == 64)
    }

    @Test func anUnfinishedFileHasPlaceholderSizesAndStillReads() throws {
        let path = Self.temporaryPath("unfinished")
        defer { unlink(path) }
        do {
            var writer = try WAVWriter(path: path, format: .telephony)
            try writer.append(ByteBuffer(bytes: [0xFF, 0x7F, 0x80]))
            // Dropped without finish(): the descriptor is closed, the header is not patched.
        }
        let file = try Self.contents(of: path)
        #expect(file[54..<58] == [0, 0, 0, 0])
        let reader = try WAVReader(file)
        #expect(Array(reader.data.readableBytesView) == [0xFF, 0x7F, 0x80])
    }

    @Test func anEmptyFileIsValid() throws {
        let path = Self.temporaryPath("empty")
        defer { unlink(path) }
        let writer = try WAVWriter(path: path, format: .telephony)
        try writer.finish()
        let file = try Self.contents(of: path)
        #expect(file.count == 58)
        let reader = try WAVReader(file)
        #expect(reader.data.readableBytes == 0)
        #expect(reader.muLaw8k().isEmpty)
    }

    @Test func aPathThatCannotBeOpenedThrowsTheErrnoText() {
        do {
            _ = try WAVWriter(path: "/nonexistent-directory/x.wav", format: .telephony)
            Issue.record("opened a file in a directory that does not exist")
        } catch {
            #expect(error.kind == .io)
            #expect(
                error.description.contains("open('/nonexistent-directory/x.wav') failed: No such file or directory"))
            #expect(error.description.contains("errno \(ENOENT)"))
        }
    }
}
