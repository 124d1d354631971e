public import NIOCore

/// The audio layout of a RIFF/WAVE file, and the header that describes it.
///
/// Headers follow what players expect of each encoding: 16-bit PCM gets the classic 44-byte header (16-byte
/// `fmt ` chunk, format tag 1); mu-law (tag 7) and A-law (tag 6) get an 18-byte `fmt ` chunk with a `cbSize` of
/// 0 and a `fact` chunk holding the number of sample frames, as the RIFF spec asks of non-PCM formats (58 bytes).
public struct WAVFormat: Sendable, Hashable {
    /// How each sample is stored.
    public enum Encoding: Sendable, Hashable, CaseIterable {
        /// 16-bit little-endian signed linear PCM.
        case pcm16
        /// 8-bit G.711 mu-law, see ``MuLaw``.
        case muLaw
        /// 8-bit G.711 A-law, see ``ALaw``.
        case aLaw
    }

    public var encoding: Encoding
    /// Sample frames per second, 1 to `UInt32.max`.
    public var sampleRate: Int
    /// Interleaved channels per sample frame, 1 to 65535.
    public var channels: Int

    public init(encoding: Encoding, sampleRate: Int, channels: Int) {
        precondition((1...Int(UInt32.max)).contains(sampleRate), "WAVFormat: sample rate out of range")
        precondition((1...Int(UInt16.max)).contains(channels), "WAVFormat: channel count out of range")
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// 8 kHz mono mu-law: what telephony media streams carry.
    public static let telephony = WAVFormat(encoding: .muLaw, sampleRate: 8000, channels: 1)
}

extension WAVFormat.Encoding {
    /// The `fmt ` chunk's format tag.
    public var formatTag: UInt16 {
        switch self {
        case .pcm16: 0x0001
        case .aLaw: 0x0006
        case .muLaw: 0x0007
        }
    }

    public var bitsPerSample: Int {
        self == .pcm16 ? 16 : 8
    }

    public var bytesPerSample: Int {
        self.bitsPerSample / 8
    }
}

extension WAVFormat {
    /// Bytes per sample frame (all channels): the `fmt ` chunk's block alignment.
    public var blockAlign: Int {
        self.encoding.bytesPerSample * self.channels
    }

    /// Bytes per second of audio.
    public var byteRate: Int {
        self.blockAlign * self.sampleRate
    }

    /// The size of the header ``writeHeader(dataByteCount:into:)`` writes: everything before the audio.
    public var headerSize: Int {
        self.encoding == .pcm16 ? 44 : 58
    }

    /// The offset of the `data` chunk's size field, the last four bytes of the header.
    var dataSizeOffset: Int {
        self.headerSize - 4
    }

    /// The offset of the `fact` chunk's sample-frame count, or `nil` for PCM, which has no `fact` chunk.
    var factSampleFramesOffset: Int? {
        self.encoding == .pcm16 ? nil : 46
    }

    /// The RIFF chunk's size field for `dataByteCount` bytes of audio: everything after the first 8 bytes,
    /// including the pad byte an odd-sized `data` chunk is followed by.
    func riffSize(dataByteCount: Int) -> Int {
        self.headerSize - 8 + dataByteCount + dataByteCount % 2
    }

    /// The largest `data` chunk the 32-bit RIFF size can describe.
    var maximumDataByteCount: Int {
        Int(UInt32.max) - (self.headerSize - 8) - 1
    }

    /// Appends the header for `dataByteCount` bytes of audio (all sizes little-endian, as RIFF requires).
    ///
    /// The sizes saturate at `UInt32.max`, which readers (``WAVReader`` included) take to mean "up to the end of
    /// the file", so a header for an unknown or oversized length is still readable.
    public func writeHeader(dataByteCount: Int, into buffer: inout ByteBuffer) {
        precondition(dataByteCount >= 0, "WAVFormat.writeHeader: negative data size")
        buffer.reserveCapacity(minimumWritableBytes: self.headerSize)
        buffer.writeString("RIFF")
        buffer.writeInteger(UInt32(clamping: self.riffSize(dataByteCount: dataByteCount)), endianness: .little)
        buffer.writeString("WAVE")

        buffer.writeString("fmt ")
        buffer.writeInteger(UInt32(self.encoding == .pcm16 ? 16 : 18), endianness: .little)
        buffer.writeInteger(self.encoding.formatTag, endianness: .little)
        buffer.writeInteger(UInt16(self.channels), endianness: .little)
        buffer.writeInteger(UInt32(self.sampleRate), endianness: .little)
        buffer.writeInteger(UInt32(clamping: self.byteRate), endianness: .little)
        buffer.writeInteger(UInt16(clamping: self.blockAlign), endianness: .little)
        buffer.writeInteger(UInt16(self.encoding.bitsPerSample), endianness: .little)
        if self.encoding != .pcm16 {
            // cbSize: no extra format bytes.
            buffer.writeInteger(UInt16(0), endianness: .little)
            buffer.writeString("fact")
            buffer.writeInteger(UInt32(4), endianness: .little)
            buffer.writeInteger(UInt32(clamping: dataByteCount / self.blockAlign), endianness: .little)
        }

        buffer.writeString("data")
        buffer.writeInteger(UInt32(clamping: dataByteCount), endianness: .little)
    }
}
