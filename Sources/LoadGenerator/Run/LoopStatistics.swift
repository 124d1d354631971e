public import Histogram

/// What one event loop's calls did so far. Counted on the loop without locks; the run merges one
/// copy per loop for progress lines and the final report.
public struct LoopStatistics: LatencyRecording, Sendable {
    /// Round trips in microseconds, 1 µs to 60 s, 3 significant digits.
    public static func makeHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    public var callsStarted = 0
    public var callsConnected = 0
    /// Connected now: upgraded and not yet closed.
    public var callsActive = 0
    public var callsFailed = 0
    public var callsFinished = 0
    /// Calls the server closed, or dropped, before the generator's close.
    public var callsEndedByServer = 0
    public var firstError: String?

    public var framesSent = 0
    /// Due but not written because the socket was not writable (the server stopped reading).
    public var framesWithheld = 0
    public var framesEchoed = 0
    /// Counted when a call finishes: sent and never echoed.
    public var framesLost = 0
    public var gaps = 0
    public var skippedFrames = 0
    public var duplicates = 0
    public var outOfOrder = 0
    /// Text messages from the server that matched no frame (other events, or another run's magic).
    public var unmatchedMessages = 0

    /// The slow consumers, counted apart so that their backlog does not pollute the latency of
    /// the calls that read.
    public var stalledCalls = 0
    public var stalledFramesSent = 0
    public var stalledFramesEchoed = 0
    public var stalledFramesLost = 0

    public var latency = Self.makeHistogram()
    /// Latency since the last progress line.
    public var intervalLatency = Self.makeHistogram()

    public init() {}

    mutating func fail(_ reason: String) {
        self.callsFailed += 1
        if self.firstError == nil { self.firstError = reason }
    }

    /// Adds another loop's figures to these.
    public mutating func add(_ other: LoopStatistics) {
        self.callsStarted += other.callsStarted
        self.callsConnected += other.callsConnected
        self.callsActive += other.callsActive
        self.callsFailed += other.callsFailed
        self.callsFinished += other.callsFinished
        self.callsEndedByServer += other.callsEndedByServer
        self.firstError = self.firstError ?? other.firstError
        self.framesSent += other.framesSent
        self.framesWithheld += other.framesWithheld
        self.framesEchoed += other.framesEchoed
        self.framesLost += other.framesLost
        self.gaps += other.gaps
        self.skippedFrames += other.skippedFrames
        self.duplicates += other.duplicates
        self.outOfOrder += other.outOfOrder
        self.unmatchedMessages += other.unmatchedMessages
        self.stalledCalls += other.stalledCalls
        self.stalledFramesSent += other.stalledFramesSent
        self.stalledFramesEchoed += other.stalledFramesEchoed
        self.stalledFramesLost += other.stalledFramesLost
        self.latency.add(other.latency)
        self.intervalLatency.add(other.intervalLatency)
    }
}
