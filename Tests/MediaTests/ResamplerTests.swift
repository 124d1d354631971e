import Media
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Resampler")
struct ResamplerTests {
    static func sine(frequency: Double, rate: Int, count: Int, amplitude: Double = 10000) -> [Int16] {
        (0..<count).map { Int16((amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate))).rounded()) }
    }

    /// Sign changes from negative to non-negative, i.e. one per period of a sine.
    static func upwardZeroCrossings(_ samples: [Int16]) -> Int {
        zip(samples, samples.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count
    }

    static func rms(_ samples: some Collection<Int16>) -> Double {
        (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
    }

    /// The gain of linear interpolation at `frequency` for input sampled at `rate`, sinc²(frequency / rate):
    /// the worst a sine's level may drop (outputs that land on input samples lose nothing).
    static func linearInterpolationGain(_ frequency: Double, rate: Int) -> Double {
        let x = Double.pi * frequency / Double(rate)
        return (sin(x) / x) * (sin(x) / x)
    }

    @Test(arguments: [8000, 16000, 44100])
    func equalRatesAreTheIdentity(rate: Int) {
        var random = TestRandom(seed: UInt64(rate))
        let samples = (0..<1000).map { _ in Int16.random(in: .min ... .max, using: &random) }
        #expect(Resampler.resample(samples, from: rate, to: rate) == samples)
    }

    @Test func halvingTheRateKeepsEverySecondSample() {
        let samples = (0..<320).map { Int16($0 * 100 - 16000) }
        let output = Resampler.resample(samples, from: 16000, to: 8000)
        #expect(output.count == 160)
        #expect(output == stride(from: 0, to: 320, by: 2).map { samples[$0] })
    }

    @Test func doublingTheRateInterpolatesMidpoints() {
        let output = Resampler.resample([0, 100, -100, 7] as [Int16], from: 8000, to: 16000)
        // Midpoints round half up: (100 + -100) / 2 = 0, (-100 + 7) / 2 = -46.5 -> -46.
        #expect(output == [0, 50, 100, 0, -100, -46, 7])
    }

    @Test(arguments: [(44100, 44100), (48000, 48000), (22050, 22050), (16000, 16000), (11025, 11025), (44100, 1000)])
    func downsampledLengthIsWithinOneSampleOfTheRatio(rate: Int, count: Int) {
        let output = Resampler.resample([Int16](repeating: 5, count: count), from: rate, to: 8000)
        let expected = Double(count) * 8000 / Double(rate)
        #expect(abs(Double(output.count) - expected) <= 1, "\(rate) Hz, \(count) samples: \(output.count)")
        #expect(output.allSatisfy { $0 == 5 })
    }

    @Test func oneSecondAt44100IsOneSecondAt8000() {
        #expect(Resampler.resample([Int16](repeating: 0, count: 44100), from: 44100, to: 8000).count == 8000)
    }

    @Test(arguments: [16000, 44100, 48000, 11025])
    func aSineKeepsItsFrequencyAndLevel(rate: Int) {
        // Two seconds of 1 kHz, well below the 4 kHz output Nyquist frequency.
        let input = Self.sine(frequency: 1000, rate: rate, count: 2 * rate)
        let output = Resampler.resample(input, from: rate, to: 8000)
        let crossings = Self.upwardZeroCrossings(output)
        #expect((1999...2000).contains(crossings), "\(rate) Hz: \(crossings) crossings")
        let ratio = Self.rms(output) / Self.rms(input)
        #expect(ratio <= 1.001 && ratio > Self.linearInterpolationGain(1000, rate: rate) - 0.01, "\(rate) Hz: \(ratio)")
    }

    @Test func upsamplingASineKeepsItsFrequency() {
        let input = Self.sine(frequency: 1000, rate: 8000, count: 8000)
        let output = Resampler.resample(input, from: 8000, to: 44100)
        #expect(Self.upwardZeroCrossings(output) == Self.upwardZeroCrossings(input))
        // 1 kHz is 8 samples a period at 8 kHz: interpolating between them loses 5% of the level.
        let ratio = Self.rms(output) / Self.rms(input)
        #expect(ratio <= 1.001 && ratio > Self.linearInterpolationGain(1000, rate: 8000) - 0.01, "\(ratio)")
    }

    /// Chunks of any size give exactly the samples of one conversion in one piece.
    @Test(arguments: [(44100, 8000), (16000, 8000), (8000, 16000), (48000, 8000), (8000, 44100), (22050, 16000)])
    func streamingInChunksMatchesOnePiece(from inputRate: Int, to outputRate: Int) {
        var random = TestRandom(seed: 7)
        let input = (0..<5000).map { _ in Int16.random(in: .min ... .max, using: &random) }
        let whole = Resampler.resample(input, from: inputRate, to: outputRate)
        for chunkSize in [1, 2, 3, 7, 160, 441, 4999] {
            var resampler = Resampler(from: inputRate, to: outputRate)
            var streamed: [Int16] = []
            var start = 0
            while start < input.count {
                let end = min(start + chunkSize, input.count)
                resampler.process(input[start..<end], into: &streamed)
                start = end
            }
            #expect(streamed == whole, "\(inputRate) -> \(outputRate) in chunks of \(chunkSize)")
        }
    }

    @Test func extremesStayInRange() {
        let input: [Int16] = [.max, .min, .max, .min, .max]
        // Midway between 32767 and -32768 is -0.5, which rounds half up to 0.
        #expect(Resampler.resample(input, from: 8000, to: 16000) == [.max, 0, .min, 0, .max, 0, .min, 0, .max])
        // 4 input intervals of 44100 / 8000 output samples each, plus the first.
        let odd = Resampler.resample(input, from: 8000, to: 44100)
        #expect(odd.count == 23)
        #expect(odd.first == .max)
    }

    @Test func emptyInputGivesNothingAndResetStartsOver() {
        #expect(Resampler.resample([Int16](), from: 44100, to: 8000).isEmpty)
        var resampler = Resampler(from: 16000, to: 8000)
        var output: [Int16] = []
        resampler.process([1, 2, 3] as [Int16], into: &output)
        #expect(output == [1, 3])
        resampler.reset()
        resampler.process([4, 5, 6] as [Int16], into: &output)
        #expect(output == [1, 3, 4, 6])
        #expect(resampler.inputRate == 16000)
        #expect(resampler.outputRate == 8000)
    }
}
