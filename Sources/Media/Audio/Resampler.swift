/// Converts mono 16-bit PCM from one sample rate to another by linear interpolation, in one piece or streamed.
///
/// Linear interpolation is the cheapest converter that does not click, and it is enough for what this is for:
/// turning prompts recorded at 16, 22.05, 44.1 or 48 kHz into 8 kHz telephony audio. It has no anti-aliasing
/// filter, so when downsampling, content above the target's Nyquist frequency (4 kHz for 8 kHz output) folds
/// back as distortion; speech has little energy there, music and sibilant-heavy recordings may sound harsh.
/// Band-limit such sources before converting if quality matters.
///
/// The output sample `k` is the input interpolated at position `k * inputRate / outputRate`, computed exactly in
/// integers (no accumulated floating-point error however long the stream), and rounded to nearest. Feeding a
/// signal in chunks of any size gives exactly the samples converting it in one piece gives: the converter keeps
/// the last input sample and the fractional position across calls. Converting `n` samples yields
/// `floor((n - 1) * outputRate / inputRate) + 1` samples; the last input sample is reached exactly only when
/// the position lands on it, which is at most one output sample short of `n * outputRate / inputRate`.
public struct Resampler: Sendable, Hashable {
    /// The input sample rate, reduced with the output rate by their greatest common divisor.
    private let step: Int
    /// The output sample rate, reduced: positions are counted in 1/`denominator`ths of an input sample.
    private let denominator: Int
    /// The next output sample's position relative to the first sample of the next chunk, in
    /// 1/`denominator`ths of an input sample. Negative (at most one sample back) when it falls between the
    /// previous chunk's last sample and the next chunk's first.
    private var position = 0
    /// The previous chunk's last sample, which a negative `position` interpolates from.
    private var previous: Int16 = 0

    public let inputRate: Int
    public let outputRate: Int

    /// A converter from `inputRate` to `outputRate` samples per second (both positive).
    public init(from inputRate: Int, to outputRate: Int) {
        precondition(inputRate > 0 && outputRate > 0, "Resampler: sample rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        let divisor = Self.greatestCommonDivisor(inputRate, outputRate)
        self.step = inputRate / divisor
        self.denominator = outputRate / divisor
    }

    /// Converts the next chunk of the stream, appending the output samples to `output`.
    public mutating func process(_ input: UnsafeBufferPointer<Int16>, into output: inout [Int16]) {
        guard !input.isEmpty else {
            return
        }
        let count = input.count
        let denominator = self.denominator
        let needed = output.count + (count * denominator) / self.step + 2
        if output.capacity < needed {
            // Geometric growth: a stream of small chunks must not reallocate on every call.
            output.reserveCapacity(Swift.max(needed, output.capacity * 2))
        }
        var position = self.position
        while true {
            // Floor division: the position is negative for the sample that straddles two chunks.
            let index = position >= 0 ? position / denominator : -((denominator - 1 - position) / denominator)
            let fraction = position - index * denominator
            if fraction == 0 {
                guard index < count else {
                    break
                }
                output.append(index < 0 ? self.previous : input[index])
            } else {
                guard index + 1 < count else {
                    break
                }
                let left = Int(index < 0 ? self.previous : input[index])
                let right = Int(input[index + 1])
                // A weighted sum of two Int16s, rounded half up: always within Int16's range.
                let weighted = left * (denominator - fraction) + right * fraction
                output.append(Int16(Self.floorDivide(2 * weighted + denominator, by: 2 * denominator)))
            }
            position += self.step
        }
        self.position = position - count * denominator
        self.previous = input[count - 1]
    }

    /// Converts the next chunk of the stream, appending the output samples to `output`.
    public mutating func process(_ input: some Collection<Int16>, into output: inout [Int16]) {
        let done: Void? = input.withContiguousStorageIfAvailable { self.process($0, into: &output) }
        if done == nil {
            Array(input).withUnsafeBufferPointer { self.process($0, into: &output) }
        }
    }

    /// Converts a whole signal in one piece.
    public static func resample(_ samples: some Collection<Int16>, from inputRate: Int, to outputRate: Int) -> [Int16] {
        var resampler = Resampler(from: inputRate, to: outputRate)
        var output: [Int16] = []
        resampler.process(samples, into: &output)
        return output
    }

    /// Forgets the stream: the next chunk starts a new signal.
    public mutating func reset() {
        self.position = 0
        self.previous = 0
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 {
            (a, b) = (b, a % b)
        }
        return a
    }

    private static func floorDivide(_ value: Int, by divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((divisor - 1 - value) / divisor)
    }
}
