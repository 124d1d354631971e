public import Histogram

/// Round-trip percentiles in milliseconds, from a histogram in microseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var samples: UInt64
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    enum CodingKeys: String, CodingKey {
        case samples, p50, p90, p99
        case p999 = "p99_9"
        case max, mean
    }

    public init(_ histogram: Histogram<UInt64>) {
        self.samples = histogram.totalCount
        guard histogram.totalCount > 0 else {
            (self.p50, self.p90, self.p99, self.p999, self.max, self.mean) = (0, 0, 0, 0, 0, 0)
            return
        }
        self.p50 = Self.milliseconds(histogram.valueAtPercentile(50))
        self.p90 = Self.milliseconds(histogram.valueAtPercentile(90))
        self.p99 = Self.milliseconds(histogram.valueAtPercentile(99))
        self.p999 = Self.milliseconds(histogram.valueAtPercentile(99.9))
        self.max = Self.milliseconds(histogram.max)
        self.mean = (histogram.mean / 1000 * 1000).rounded() / 1000
    }

    /// Microseconds to milliseconds, kept to the microsecond.
    static func milliseconds(_ microseconds: UInt64) -> Double {
        Double(microseconds) / 1000
    }
}
