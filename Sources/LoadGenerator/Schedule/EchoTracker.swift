/// The echo accounting of one call: which frames came back, in what order, and how late.
///
/// A bit per frame (allocated once per call) makes duplicates and the final count of lost
/// frames exact even when echoes arrive out of order.
public struct EchoTracker: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// The next frame expected, or a later one (`skipped` > 0 counts a gap).
        case matched(latencyNanoseconds: UInt64, skipped: Int)
        /// A frame older than one already seen, echoed for the first time.
        case late(latencyNanoseconds: UInt64)
        case duplicate
        /// An index this call never sent.
        case unknown
    }

    private var seen: [UInt64]
    private let frames: Int
    /// One past the highest index echoed so far.
    public private(set) var nextExpected = 0
    public private(set) var echoed = 0
    public private(set) var gaps = 0
    public private(set) var skippedFrames = 0
    public private(set) var duplicates = 0
    public private(set) var outOfOrder = 0

    public init(frames: Int) {
        self.frames = frames
        self.seen = [UInt64](repeating: 0, count: (frames + 63) / 64)
    }

    /// Records the echo of frame `index` arriving at `arrival`; latency is taken from the frame's
    /// scheduled time.
    public mutating func record(index: Int, arrival: UInt64, schedule: CallSchedule) -> Outcome {
        guard index >= 0, index < self.frames else { return .unknown }
        let word = index >> 6
        let bit = UInt64(1) << UInt64(index & 63)
        guard self.seen[word] & bit == 0 else {
            self.duplicates += 1
            return .duplicate
        }
        self.seen[word] |= bit
        self.echoed += 1
        let scheduled = schedule.scheduledNanoseconds(ofFrame: index)
        let latency = arrival > scheduled ? arrival - scheduled : 0
        if index < self.nextExpected {
            self.outOfOrder += 1
            return .late(latencyNanoseconds: latency)
        }
        let skipped = index - self.nextExpected
        if skipped > 0 {
            self.gaps += 1
            self.skippedFrames += skipped
        }
        self.nextExpected = index + 1
        return .matched(latencyNanoseconds: latency, skipped: skipped)
    }

    /// Frames sent but never echoed.
    public func lost(sent: Int) -> Int {
        max(0, sent - self.echoed)
    }
}
