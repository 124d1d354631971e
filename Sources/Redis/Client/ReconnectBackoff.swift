/// The waits between reconnect attempts: exponential from `initial` up to `maximum`, each drawn at
/// random from the upper half of its step ("equal jitter"), so that the instances that lost Redis
/// together do not all come back in the same millisecond, and none retries faster than half a step.
struct ReconnectBackoff: Sendable {
    let initial: Duration
    let maximum: Duration
    /// Failed attempts since the last success.
    private(set) var failures = 0

    init(initial: Duration, maximum: Duration) {
        self.initial = max(initial, .milliseconds(1))
        self.maximum = max(maximum, self.initial)
    }

    /// The step for the current number of failures, before jitter: `initial * 2^failures`, at most `maximum`.
    var step: Duration {
        var step = self.initial
        for _ in 0..<min(self.failures, 62) {
            step *= 2
            if step >= self.maximum { return self.maximum }
        }
        return step
    }

    /// The wait before the next attempt, somewhere in `step/2 ... step`; counts one more failure.
    mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        let step = self.step
        self.failures += 1
        let half = step / 2
        let nanoseconds = Self.nanoseconds(half)
        guard nanoseconds > 0 else { return step }
        return half + .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    /// A connection came up: the next outage starts again from `initial`.
    mutating func reset() {
        self.failures = 0
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
