import Media
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("LevelMeter")
struct LevelMeterTests {
    static func levels(muLaw bytes: [UInt8], chunkSize: Int? = nil, meter: LevelMeter = LevelMeter()) -> [LevelMeter
        .Level]
    {
        var meter = meter
        var levels: [LevelMeter.Level] = []
        bytes.withUnsafeBytes { all in
            let size = chunkSize ?? max(all.count, 1)
            var start = 0
            while start < all.count {
                let end = min(start + size, all.count)
                meter.process(muLaw: UnsafeRawBufferPointer(rebasing: all[start..<end])) { levels.append($0) }
                start = end
            }
        }
        return levels
    }

    static func levels(pcm samples: [Int16], meter: LevelMeter = LevelMeter()) -> [LevelMeter.Level] {
        var meter = meter
        var levels: [LevelMeter.Level] = []
        samples.withUnsafeBufferPointer { meter.process(pcm: $0) { levels.append($0) } }
        return levels
    }

    /// `count` samples of a sine of `amplitude` at `frequency` Hz, sampled at 8 kHz.
    static func sine(amplitude: Double, frequency: Double = 1000, count: Int) -> [Int16] {
        (0..<count).map { Int16((amplitude * sin(2 * Double.pi * frequency * Double($0) / 8000)).rounded()) }
    }

    @Test func muLawSilenceIsTheFloorAndNotVoice() {
        let levels = Self.levels(muLaw: [UInt8](repeating: 0xFF, count: 1600))
        #expect(levels.count == 10)
        for level in levels {
            #expect(level.rms == 0)
            #expect(level.peak == 0)
            #expect(level.dBFS == -96)
            #expect(!level.isVoice)
        }
    }

    @Test func theFloorIsConfigurableAndClampsQuietSignals() {
        // One sample of 8 (mu-law 0xFE) in 160 is about -94 dBFS: below a -80 dBFS floor, above the default -96.
        var bytes = [UInt8](repeating: 0xFF, count: 160)
        bytes[10] = 0xFE
        let level = Self.levels(muLaw: bytes, meter: LevelMeter(configuration: .init(floor: -80)))[0]
        #expect(level.rms > 0)
        #expect(level.dBFS == -80)
        let unclamped = Self.levels(muLaw: bytes)[0]
        #expect(abs(unclamped.dBFS - 20 * log10(8 / 160.0.squareRoot() / 32768)) < 1e-9)
    }

    @Test func aFullScaleSquareWaveIsZeroDBFS() {
        let square = (0..<1600).map { $0 % 20 < 10 ? Int16.max : Int16.min }
        let levels = Self.levels(pcm: square)
        #expect(levels.count == 10)
        for level in levels {
            #expect(abs(level.dBFS) < 0.001)
            #expect(level.peak == 1)
            #expect(level.isVoice)
        }
        // mu-law's loudest codes, +-32124: 20 log10(32124 / 32768) = -0.17 dBFS.
        let muLaw = (0..<160).map { $0 % 2 == 0 ? UInt8(0x80) : UInt8(0x00) }
        let level = Self.levels(muLaw: muLaw)[0]
        #expect(abs(level.dBFS - 20 * log10(32124.0 / 32768)) < 1e-9)
    }

    @Test(arguments: [1000.0, 8000, 20000, 32000])
    func aSineHasRMSOfAmplitudeOverRootTwo(amplitude: Double) {
        // 1 kHz at 8 kHz is 8 samples a period, so each 160-sample window holds whole periods.
        for level in Self.levels(pcm: Self.sine(amplitude: amplitude, count: 1600)) {
            let expected = amplitude / 2.0.squareRoot() / 32768
            #expect(abs(level.rms / expected - 1) < 0.01, "amplitude \(amplitude): \(level.rms)")
            #expect(abs(level.peak - amplitude / 32768) < 0.0001)
        }
        // 440 Hz is not window aligned; the RMS is still within 1%.
        for level in Self.levels(pcm: Self.sine(amplitude: amplitude, frequency: 440, count: 1600)) {
            #expect(abs(level.rms / (amplitude / 2.0.squareRoot() / 32768) - 1) < 0.01)
        }
    }

    @Test func theThresholdSeparatesVoiceFromQuiet() {
        // -40 dBFS RMS is an amplitude of 32768 * 0.01 * sqrt(2), about 463.
        let loud = Self.levels(pcm: Self.sine(amplitude: 500, count: 160))[0]
        #expect(loud.dBFS > -40)
        #expect(loud.isVoice)
        let quiet = Self.levels(pcm: Self.sine(amplitude: 420, count: 160))[0]
        #expect(quiet.dBFS < -40)
        #expect(!quiet.isVoice)
    }

    @Test func theVoiceFlagHangsOverForTheConfiguredWindows() {
        let loud = Self.sine(amplitude: 10000, count: 160)
        let silence = [Int16](repeating: 0, count: 160)
        // loud, 8 silent, loud, 2 silent, loud, 7 silent.
        var signal: [Int16] = loud
        for _ in 0..<8 { signal += silence }
        signal += loud + silence + silence + loud
        for _ in 0..<7 { signal += silence }
        let flags = Self.levels(pcm: signal).map(\.isVoice)
        let expected =
            [true] + [true, true, true, true, true, false, false, false]  // default hangover: 5 windows
            + [true, true, true] + [true] + [true, true, true, true, true, false, false]
        #expect(flags == expected)

        let noHangover = LevelMeter(configuration: .init(hangoverWindows: 0))
        #expect(Self.levels(pcm: loud + silence + loud, meter: noHangover).map(\.isVoice) == [true, false, true])
        #expect(LevelMeter.Configuration().hangoverWindows == 5)
        #expect(LevelMeter.Configuration().voiceThreshold == -40)
        #expect(LevelMeter.Configuration().windowSamples == 160)
    }

    @Test func chunkSizesDoNotChangeTheWindows() {
        var random = TestRandom(seed: 160)
        // Loud stretches, then quiet ones longer than the hangover, so levels and flags change mid-chunk.
        let bytes = (0..<4000).map { index -> UInt8 in
            let loud = index % 1950 < 450
            return loud ? UInt8.random(in: 0...255, using: &random) : UInt8.random(in: 0xF8...0xFF, using: &random)
        }
        let reference = Self.levels(muLaw: bytes)
        #expect(reference.count == 25)
        #expect(reference.contains { $0.isVoice } && reference.contains { !$0.isVoice })
        for chunkSize in [1, 7, 160, 333] {
            #expect(Self.levels(muLaw: bytes, chunkSize: chunkSize) == reference, "chunks of \(chunkSize)")
        }
    }

    @Test func aPartialWindowWaitsForMoreAndResetDropsIt() {
        var meter = LevelMeter()
        var count = 0
        let loud = [UInt8](repeating: 0x80, count: 100)
        loud.withUnsafeBytes { meter.process(muLaw: $0) { _ in count += 1 } }
        #expect(count == 0)
        meter.reset()
        let silence = [UInt8](repeating: 0xFF, count: 160)
        var levels: [LevelMeter.Level] = []
        silence.withUnsafeBytes { meter.process(muLaw: $0) { levels.append($0) } }
        #expect(levels.count == 1)
        #expect(levels.first?.dBFS == -96)
        #expect(levels.first?.isVoice == false)
    }

    @Test func windowsAreConfigurable() {
        let meter = LevelMeter(configuration: .init(windowSamples: 80))
        let levels = Self.levels(muLaw: [UInt8](repeating: 0xFF, count: 800), meter: meter)
        #expect(levels.count == 10)
        let single = Self.levels(pcm: [100, -200, 300], meter: LevelMeter(configuration: .init(windowSamples: 1)))
        let expected: [Double] = [100, 200, 300].map { $0 / 32768 }
        #expect(single.map(\.peak) == expected)
        #expect(single.map(\.rms) == single.map(\.peak))
    }
}
