public import Histogram

/// Statistics that keep round-trip latency twice: for the whole run and since the last progress
/// line. One recording rule and one progress figure for every load generator.
public protocol LatencyRecording {
    var latency: Histogram<UInt64> { get set }
    var intervalLatency: Histogram<UInt64> { get set }
}

extension LatencyRecording {
    /// Records one round trip, clamped to the histograms' 1 µs to 60 s.
    @inline(__always)
    mutating func recordLatency(nanoseconds: UInt64) {
        let microseconds = min(max((nanoseconds + 500) / 1000, 1), 60_000_000)
        self.latency.record(microseconds)
        self.intervalLatency.record(microseconds)
    }

    /// p99 since the last progress line, `nil` when nothing was measured.
    var intervalP99Milliseconds: Double? {
        self.intervalLatency.totalCount > 0
            ? LatencySummary.milliseconds(self.intervalLatency.valueAtPercentile(99)) : nil
    }
}
