public import Histogram

/// The measured heartbeats answered in seconds in which the VM host took next to no CPU time from
/// any CPU (``stealLimitPercent``, from `/proc/stat`).
///
/// On a shared host the whole-run p99 can be set by the host alone: in a second in which it takes
/// half of the server's core, answers queue whatever the server does. These seconds' latency is
/// what the server and generator do when they have their cores; it is reported beside the
/// whole-run figure, never instead of it. A calm second's answers include beats delayed by an
/// earlier storm, so the figure errs high, not low.
public struct CalmSeconds: Sendable {
    /// Steal below this on every CPU makes a second calm.
    public static let stealLimitPercent = 2.0

    public private(set) var seconds = 0
    public private(set) var latency = LoopStatistics.makeHistogram()

    public init() {}

    /// One second's measured latency, and each CPU's steal over it (`nil` when unknown: not calm).
    mutating func add(second latency: Histogram<UInt64>, stealPercents: [Double]?) {
        guard latency.totalCount > 0, let stealPercents, !stealPercents.isEmpty,
            stealPercents.allSatisfy({ $0 < Self.stealLimitPercent })
        else { return }
        self.seconds += 1
        self.latency.add(latency)
    }
}
