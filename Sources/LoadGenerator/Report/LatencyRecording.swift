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
        let microseconds = Self.histogramMicroseconds(nanoseconds)
        self.latency.record(microseconds)
        self.intervalLatency.record(microseconds)
    }

    /// `nanoseconds` in whole microseconds, clamped to the histograms' range.
    @inline(__always)
    static func histogramMicroseconds(_ nanoseconds: UInt64) -> UInt64 {
        min(max((nanoseconds + 500) / 1000, 1), 60_000_000)
    }

    /// p99 since the last progress line, `nil` when nothing was measured.
    var intervalP99Milliseconds: Double? {
        self.intervalLatency.totalCount > 0
            ? LatencySummary.milliseconds(self.intervalLatency.valueAtPercentile(99)) : nil
    }
}
