/// A token bucket: up to `capacity` requests at once, refilled at a steady rate.
///
/// The state is one instant, when the bucket will be full again (the "theoretical arrival time" of
/// GCRA, which is the same limiter). Durations are integer attoseconds, so no rounding drifts the
/// limit however long a bucket lives, and a full bucket is exactly one whose instant has passed.
public struct TokenBucket: Sendable, Hashable {
    /// What one ``take(now:)`` decided, in the terms rate-limit headers use.
    public struct Decision: Sendable, Hashable {
        /// Whether the request may go ahead.
        public var isAllowed: Bool
        /// Requests left right after this one.
        public var remaining: Int
        /// Whole seconds, rounded up, until the bucket is full again.
        public var resetSeconds: Int
        /// Whole seconds, at least 1, until a refused request would be allowed; 0 when allowed.
        public var retryAfterSeconds: Int
    }

    /// The burst: requests a full bucket allows back to back.
    public let capacity: Int
    /// The time one token takes to come back.
    public let refillInterval: Duration
    /// When the bucket is (or was) full.
    private var fullAt: ContinuousClock.Instant

    /// A full bucket.
    /// - Precondition: `capacity >= 1` and `refillInterval > .zero`.
    public init(capacity: Int, refillInterval: Duration, now: ContinuousClock.Instant) {
        precondition(capacity >= 1, "a token bucket holds at least one token")
        precondition(refillInterval > .zero, "a token bucket must refill")
        self.capacity = capacity
        self.refillInterval = refillInterval
        self.fullAt = now
    }

    /// A full bucket of `capacity` tokens refilled at `refillPerSecond` tokens per second.
    public init(capacity: Int, refillPerSecond: Double, now: ContinuousClock.Instant) {
        precondition(refillPerSecond > 0 && refillPerSecond.isFinite, "a token bucket must refill")
        self.init(capacity: capacity, refillInterval: .seconds(1 / refillPerSecond), now: now)
    }

    /// `limitPerMinute` requests in a burst, refilled at `limitPerMinute / 60` per second: sustained
    /// traffic at the limit is never refused, and an idle minute restores the whole burst.
    public init(limitPerMinute: Int, now: ContinuousClock.Instant) {
        precondition(limitPerMinute >= 1, "a rate limit allows at least one request per minute")
        self.init(
            capacity: limitPerMinute,
            refillInterval: Duration(attoseconds: Self.attosecondsPerSecond * 60 / Int128(limitPerMinute)),
            now: now
        )
    }

    /// Tokens per second.
    public var refillPerSecond: Double { 1 / (Double(self.refillInterval.attoseconds) / 1e18) }

    /// Takes one token if there is one.
    public mutating func take(now: ContinuousClock.Instant) -> Decision {
        let interval = self.refillInterval.attoseconds
        let window = interval * Int128(self.capacity)
        // An instant in the past means a full bucket; a later take must not be credited for the idle time.
        let base = max(self.fullAt, now)
        let debt = (base - now).attoseconds + interval
        guard debt <= window else {
            return Decision(
                isAllowed: false,
                remaining: 0,
                resetSeconds: Self.wholeSecondsRoundingUp((base - now).attoseconds),
                retryAfterSeconds: max(1, Self.wholeSecondsRoundingUp(debt - window))
            )
        }
        self.fullAt = base + self.refillInterval
        return Decision(
            isAllowed: true,
            remaining: Int((window - debt) / interval),
            resetSeconds: Self.wholeSecondsRoundingUp(debt),
            retryAfterSeconds: 0
        )
    }

    /// Returns the token of a request that was taken but not served after all; a full bucket stays
    /// full.
    public mutating func giveBack(now: ContinuousClock.Instant) {
        self.fullAt = max(now, self.fullAt - self.refillInterval)
    }

    /// Whether the bucket has refilled completely by `now`: such a bucket is indistinguishable from a
    /// new one, so forgetting it changes no decision.
    public func isFull(at now: ContinuousClock.Instant) -> Bool {
        self.fullAt <= now
    }

    /// Tokens available at `now`, for ordering buckets by how little forgetting them would matter.
    func available(at now: ContinuousClock.Instant) -> Int {
        guard self.fullAt > now else { return self.capacity }
        let debt = (self.fullAt - now).attoseconds
        return max(
            0, self.capacity - Int((debt + self.refillInterval.attoseconds - 1) / self.refillInterval.attoseconds))
    }

    private static let attosecondsPerSecond: Int128 = 1_000_000_000_000_000_000

    private static func wholeSecondsRoundingUp(_ attoseconds: Int128) -> Int {
        guard attoseconds > 0 else { return 0 }
        return Int((attoseconds + Self.attosecondsPerSecond - 1) / Self.attosecondsPerSecond)
    }
}
