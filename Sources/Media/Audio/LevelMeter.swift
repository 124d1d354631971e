#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Measures the level of a mono audio stream window by window, with a simple voice-activity flag.
///
/// Feed it chunks of any size, mu-law or 16-bit PCM; every time a window fills (160 samples, 20 ms at 8 kHz, by
/// default) it reports that window's ``Level``. Chunks need not align to windows: a window may span chunks, and
/// one chunk may close several windows. Nothing is allocated, per window or per chunk.
///
/// Levels are relative to digital full scale, 32768: a full-scale square wave is 0 dBFS, a full-scale sine
/// -3 dBFS, and mu-law's loudest code (32124) -0.17 dBFS.
///
/// The voice flag is an energy gate, not a speech detector: a window is voice when its level reaches
/// ``Configuration/voiceThreshold``, and the flag then stays up for ``Configuration/hangoverWindows`` more windows
/// so that the short dips between syllables do not make it flap. Loud noise is voice to it.
public struct LevelMeter: Sendable, Hashable {
    /// Window size, threshold and hangover.
    public struct Configuration: Sendable, Hashable {
        /// Samples per reported window, at least 1. Default 160: 20 ms at 8 kHz, one media frame.
        public var windowSamples: Int
        /// The level, in dBFS, from which a window counts as voice. Default -40 dBFS: well above a quiet line's
        /// noise floor (around -60 dBFS) and below conversational speech (around -30 to -20 dBFS).
        public var voiceThreshold: Double
        /// Windows the voice flag stays up after the last window above the threshold. Default 5 (100 ms at the
        /// default window): longer than most gaps between syllables, shorter than a pause between phrases.
        public var hangoverWindows: Int
        /// The level reported for digital silence and anything quieter, in dBFS. Default -96 dBFS, the
        /// dynamic range of 16-bit audio, so that silence is a finite number that plots and averages.
        public var floor: Double

        public init(
            windowSamples: Int = 160,
            voiceThreshold: Double = -40,
            hangoverWindows: Int = 5,
            floor: Double = -96
        ) {
            precondition(windowSamples >= 1, "LevelMeter: a window needs at least one sample")
            precondition(hangoverWindows >= 0, "LevelMeter: negative hangover")
            self.windowSamples = windowSamples
            self.voiceThreshold = voiceThreshold
            self.hangoverWindows = hangoverWindows
            self.floor = floor
        }
    }

    /// One window's measurements.
    public struct Level: Sendable, Hashable {
        /// Root mean square of the window's samples, relative to full scale (0 to 1).
        public var rms: Double
        /// ``rms`` in decibels relative to full scale, never below the configured floor.
        public var dBFS: Double
        /// The largest sample magnitude in the window, relative to full scale (0 to 1).
        public var peak: Double
        /// Whether the window is voice, hangover included.
        public var isVoice: Bool

        public init(rms: Double, dBFS: Double, peak: Double, isVoice: Bool) {
            self.rms = rms
            self.dBFS = dBFS
            self.peak = peak
            self.isVoice = isVoice
        }
    }

    public let configuration: Configuration
    /// The current window's sum of squared samples: at most 2^30 per sample, so Int64 holds 2^33 samples.
    private var sumOfSquares: Int64 = 0
    private var sampleCount = 0
    private var peakMagnitude: Int32 = 0
    /// Windows of hangover left; the flag is up while this is positive or the window is loud.
    private var hangoverLeft = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Measures mu-law bytes, calling `onWindow` for every window they complete.
    public mutating func process(muLaw bytes: UnsafeRawBufferPointer, _ onWindow: (Level) -> Void) {
        MuLaw.decodeTable.withUnsafeBufferPointer { table in
            for byte in bytes {
                self.add(table[Int(byte)], onWindow)
            }
        }
    }

    /// Measures 16-bit PCM samples, calling `onWindow` for every window they complete.
    public mutating func process(pcm samples: UnsafeBufferPointer<Int16>, _ onWindow: (Level) -> Void) {
        for sample in samples {
            self.add(sample, onWindow)
        }
    }

    /// Drops the partial window and the hangover: the next sample starts a fresh measurement.
    public mutating func reset() {
        self.sumOfSquares = 0
        self.sampleCount = 0
        self.peakMagnitude = 0
        self.hangoverLeft = 0
    }

    @inline(__always)
    private mutating func add(_ sample: Int16, _ onWindow: (Level) -> Void) {
        let value = Int32(sample)
        self.sumOfSquares += Int64(value * value)
        self.peakMagnitude = max(self.peakMagnitude, abs(value))
        self.sampleCount += 1
        if self.sampleCount == self.configuration.windowSamples {
            onWindow(self.closeWindow())
        }
    }

    private mutating func closeWindow() -> Level {
        let fullScale = 32768.0
        let rms = (Double(self.sumOfSquares) / Double(self.sampleCount)).squareRoot() / fullScale
        let dBFS = rms > 0 ? Swift.max(20 * log10(rms), self.configuration.floor) : self.configuration.floor
        if dBFS >= self.configuration.voiceThreshold {
            self.hangoverLeft = self.configuration.hangoverWindows + 1
        }
        let isVoice = self.hangoverLeft > 0
        self.hangoverLeft = Swift.max(self.hangoverLeft - 1, 0)
        let level = Level(rms: rms, dBFS: dBFS, peak: Double(self.peakMagnitude) / fullScale, isVoice: isVoice)
        self.sumOfSquares = 0
        self.sampleCount = 0
        self.peakMagnitude = 0
        return level
    }
}
