import NIOCore

extension WAVReader {
    /// The audio as 8 kHz mono mu-law, what a telephony media stream plays.
    ///
    /// Samples are expanded to 16-bit PCM, channels are averaged into one, the result is converted to 8 kHz with
    /// ``Resampler`` (linear interpolation, see there), then compressed with ``MuLaw``. A file that already is
    /// 8 kHz mono mu-law comes back byte for byte, and 8 kHz mono A-law is transcoded code by code, so neither
    /// pays the round trip's rounding.
    public func muLaw8k() -> [UInt8] {
        let format = self.format
        if format.sampleRate == 8000, format.channels == 1, format.encoding != .pcm16 {
            var output: [UInt8] = []
            let source: G711Encoding = format.encoding == .aLaw ? .aLaw : .muLaw
            source.transcode(self.data.readableBytesView, to: .muLaw, into: &output)
            return output
        }
        let mono = self.monoPCM()
        let resampled = format.sampleRate == 8000 ? mono : Resampler.resample(mono, from: format.sampleRate, to: 8000)
        var output: [UInt8] = []
        MuLaw.encode(resampled, into: &output)
        return output
    }

    /// The audio as 16-bit PCM at the file's own rate, channels averaged into one.
    public func monoPCM() -> [Int16] {
        let format = self.format
        let channels = format.channels
        let frames = self.frameCount
        let table: [Int16] =
            switch format.encoding {
            case .pcm16: []
            case .muLaw: MuLaw.decodeTable
            case .aLaw: ALaw.decodeTable
            }
        return self.data.withUnsafeReadableBytes { bytes in
            table.withUnsafeBufferPointer { table in
                [Int16](unsafeUninitializedCapacity: frames) { output, initialized in
                    var offset = 0
                    for frame in 0..<frames {
                        var sum = 0
                        for _ in 0..<channels {
                            if format.encoding == .pcm16 {
                                let low = UInt16(bytes[offset])
                                let high = UInt16(bytes[offset + 1])
                                sum += Int(Int16(bitPattern: high << 8 | low))
                                offset += 2
                            } else {
                                sum += Int(table[Int(bytes[offset])])
                                offset += 1
                            }
                        }
                        // Truncating division keeps the mean within Int16 and symmetric around zero.
                        output[frame] = Int16(sum / channels)
                    }
                    initialized = frames
                }
            }
        }
    }
}
