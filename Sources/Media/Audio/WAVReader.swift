public import NIOCore

/// A whole RIFF/WAVE file, parsed: its ``WAVFormat`` and its audio bytes.
///
/// The reader walks the chunks in order and keeps the first `fmt ` and `data` chunks; anything else (`LIST`,
/// `fact`, `cue `, `bext`, ...) is skipped, honouring the pad byte after odd-sized chunks. It accepts 16-bit PCM,
/// 8-bit mu-law and 8-bit A-law, plain or as `WAVE_FORMAT_EXTENSIBLE` (0xFFFE) with that sub-format.
///
/// Files from streaming writers that never went back to patch their sizes are common (a recorder killed mid-call,
/// a pipe), so a `data` size of 0 or 0xFFFFFFFF, or one larger than the file, is taken to mean "up to the end of
/// the file". The audio is trimmed to whole sample frames, so a file cut mid-frame still decodes.
public struct WAVReader: Sendable {
    public let format: WAVFormat
    /// The audio, interleaved sample frames in ``format``'s encoding; a slice of the input, not a copy.
    public let data: ByteBuffer

    /// The number of sample frames in ``data``.
    public var frameCount: Int {
        self.data.readableBytes / self.format.blockAlign
    }

    /// Parses a file's readable bytes.
    public init(_ file: ByteBuffer) throws(WAVError) {
        var file = file
        guard file.readableBytes >= 12, file.readString(length: 4) == "RIFF" else {
            throw .notRIFF
        }
        // The RIFF size is not trusted: streaming writers leave it wrong as often as the data size.
        file.moveReaderIndex(forwardBy: 4)
        let form = file.readString(length: 4) ?? ""
        guard form == "WAVE" else {
            throw .notWAVE(form)
        }

        var format: WAVFormat?
        var data: ByteBuffer?
        while data == nil || format == nil, file.readableBytes >= 8 {
            let id = file.readString(length: 4)!
            let declaredSize = Int(file.readInteger(endianness: .little, as: UInt32.self)!)
            if id == "data" {
                let isPlaceholder = declaredSize == 0 || declaredSize == Int(UInt32.max)
                if isPlaceholder || declaredSize > file.readableBytes {
                    data = data ?? file.readSlice(length: file.readableBytes)
                    break
                }
                let chunk = file.readSlice(length: declaredSize)!
                data = data ?? chunk
            } else if id == "fmt " {
                guard let chunk = file.readSlice(length: declaredSize) else {
                    throw .malformedFormat("the chunk is cut short by the end of the file")
                }
                if format == nil {
                    format = try Self.parseFormat(chunk)
                }
            } else {
                guard declaredSize <= file.readableBytes else {
                    // A truncated trailing chunk (often metadata): nothing after it can be found anyway.
                    break
                }
                file.moveReaderIndex(forwardBy: declaredSize)
            }
            if declaredSize % 2 == 1, file.readableBytes > 0 {
                file.moveReaderIndex(forwardBy: 1)
            }
        }

        guard let format else {
            throw .missingFormat
        }
        guard var data else {
            throw .missingData
        }
        let wholeFrames = data.readableBytes - data.readableBytes % format.blockAlign
        data = data.getSlice(at: data.readerIndex, length: wholeFrames)!
        self.format = format
        self.data = data
    }

    /// Parses a file held in an array.
    public init(_ file: [UInt8]) throws(WAVError) {
        try self.init(ByteBuffer(bytes: file))
    }

    /// Reads a `fmt ` chunk's body.
    static func parseFormat(_ chunk: ByteBuffer) throws(WAVError) -> WAVFormat {
        var chunk = chunk
        guard chunk.readableBytes >= 16 else {
            throw .malformedFormat("\(chunk.readableBytes) bytes, at least 16 expected")
        }
        var tag = chunk.readInteger(endianness: .little, as: UInt16.self)!
        let channels = Int(chunk.readInteger(endianness: .little, as: UInt16.self)!)
        let sampleRate = Int(chunk.readInteger(endianness: .little, as: UInt32.self)!)
        // The byte rate is derived, and often wrong in the wild: not checked.
        chunk.moveReaderIndex(forwardBy: 4)
        let blockAlign = Int(chunk.readInteger(endianness: .little, as: UInt16.self)!)
        let bits = Int(chunk.readInteger(endianness: .little, as: UInt16.self)!)

        let isExtensible = tag == 0xFFFE
        if isExtensible {
            // cbSize, valid bits per sample, channel mask, then the sub-format GUID whose first two bytes are
            // the format tag it stands for.
            guard chunk.readableBytes >= 24, let extraSize = chunk.readInteger(endianness: .little, as: UInt16.self),
                extraSize >= 22
            else {
                throw .malformedFormat("WAVE_FORMAT_EXTENSIBLE without its 22 extension bytes")
            }
            let validBits = Int(chunk.readInteger(endianness: .little, as: UInt16.self)!)
            chunk.moveReaderIndex(forwardBy: 4)
            tag = chunk.readInteger(endianness: .little, as: UInt16.self)!
            guard chunk.readBytes(length: 14) == Self.subFormatGUIDSuffix else {
                throw .malformedFormat("WAVE_FORMAT_EXTENSIBLE with a sub-format that is not a WAVE format tag")
            }
            guard validBits <= bits else {
                throw .malformedFormat("\(validBits) valid bits in a \(bits)-bit container")
            }
        }

        let encoding: WAVFormat.Encoding
        switch tag {
        case 0x0001: encoding = .pcm16
        case 0x0006: encoding = .aLaw
        case 0x0007: encoding = .muLaw
        default: throw .unsupportedEncoding(tag: tag, extensible: isExtensible)
        }
        guard bits == encoding.bitsPerSample else {
            let name = encoding == .pcm16 ? "PCM" : encoding == .muLaw ? "mu-law" : "A-law"
            throw .unsupportedBitDepth(bits, encoding: name, expected: encoding.bitsPerSample)
        }
        guard channels > 0 else {
            throw .malformedFormat("zero channels")
        }
        guard sampleRate > 0 else {
            throw .malformedFormat("a sample rate of zero")
        }
        guard blockAlign == channels * encoding.bytesPerSample else {
            throw .malformedFormat("block alignment \(blockAlign) for \(channels) channel(s) of \(bits)-bit samples")
        }
        return WAVFormat(encoding: encoding, sampleRate: sampleRate, channels: channels)
    }

    /// Bytes 2...15 of every `KSDATAFORMAT_SUBTYPE_*` GUID that wraps a plain format tag
    /// (`xxxxxxxx-0000-0010-8000-00AA00389B71`, little-endian fields).
    static let subFormatGUIDSuffix: [UInt8] = [
        0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
    ]
}
