import REST
import Testing

/// The bucket and the limiter on their own, with instants made by hand.
@Suite struct TokenBucketTests {
    private let start = ContinuousClock.now

    @Test func fullBucketAllowsTheBurstThenRefuses() {
        var bucket = TokenBucket(limitPerMinute: 5, now: self.start)
        let remaining = (0..<5).map { _ in bucket.take(now: self.start) }
        #expect(remaining.allSatisfy { $0.isAllowed })
        #expect(remaining.map(\.remaining) == [4, 3, 2, 1, 0])
        let refused = bucket.take(now: self.start)
        #expect(!refused.isAllowed)
        #expect(refused.remaining == 0)
        // 5 a minute is one token every 12 s.
        #expect(refused.retryAfterSeconds == 12)
        #expect(refused.resetSeconds == 60)
    }

    @Test func refusalsTakeNothing() {
        var bucket = TokenBucket(limitPerMinute: 2, now: self.start)
        _ = bucket.take(now: self.start)
        _ = bucket.take(now: self.start)
        for _ in 0..<100 {
            #expect(!bucket.take(now: self.start).isAllowed)
        }
        // One interval (30 s) later exactly one request is allowed, however many were refused before.
        #expect(bucket.take(now: self.start + .seconds(30)).isAllowed)
        #expect(!bucket.take(now: self.start + .seconds(30)).isAllowed)
    }

    @Test func refillsOneTokenPerInterval() {
        var bucket = TokenBucket(limitPerMinute: 60, now: self.start)
        for _ in 0..<60 { _ = bucket.take(now: self.start) }
        #expect(!bucket.take(now: self.start + .milliseconds(999)).isAllowed)
        let refilled = bucket.take(now: self.start + .seconds(1))
        #expect(refilled.isAllowed)
        #expect(refilled.remaining == 0)
        #expect(bucket.take(now: self.start + .seconds(11)).remaining == 9)
    }

    @Test func retryAfterIsAtLeastOneSecond() {
        // 6000 a minute refills every 10 ms: the wait rounds up to a whole second, never to 0.
        var bucket = TokenBucket(limitPerMinute: 6000, now: self.start)
        for _ in 0..<6000 { _ = bucket.take(now: self.start) }
        let refused = bucket.take(now: self.start)
        #expect(!refused.isAllowed)
        #expect(refused.retryAfterSeconds == 1)
    }

    @Test func idleTimeRestoresAtMostTheBurst() {
        var bucket = TokenBucket(limitPerMinute: 3, now: self.start)
        _ = bucket.take(now: self.start)
        let later = self.start + .seconds(3600)
        #expect(bucket.isFull(at: later))
        #expect(bucket.take(now: later).remaining == 2)
        #expect(bucket.take(now: later).remaining == 1)
        #expect(bucket.take(now: later).remaining == 0)
        #expect(!bucket.take(now: later).isAllowed)
    }

    @Test func resetIsTheTimeUntilFull() {
        var bucket = TokenBucket(limitPerMinute: 60, now: self.start)
        #expect(bucket.isFull(at: self.start))
        #expect(bucket.take(now: self.start).resetSeconds == 1)
        #expect(bucket.take(now: self.start).resetSeconds == 2)
        #expect(!bucket.isFull(at: self.start + .milliseconds(1999)))
        #expect(bucket.isFull(at: self.start + .seconds(2)))
    }

    @Test func clockGoingBackwardsCreditsNothing() {
        var bucket = TokenBucket(limitPerMinute: 2, now: self.start + .seconds(10))
        _ = bucket.take(now: self.start + .seconds(10))
        _ = bucket.take(now: self.start + .seconds(10))
        #expect(!bucket.take(now: self.start).isAllowed)
    }

    @Test func perSecondInitialiser() {
        var bucket = TokenBucket(capacity: 2, refillPerSecond: 4, now: self.start)
        #expect(bucket.refillPerSecond == 4)
        _ = bucket.take(now: self.start)
        _ = bucket.take(now: self.start)
        #expect(!bucket.take(now: self.start).isAllowed)
        #expect(bucket.take(now: self.start + .milliseconds(250)).isAllowed)
    }
}

@Suite struct RateLimiterTests {
    @Test func keysHaveSeparateBuckets() {
        let clock = ManualClock()
        let limiter = RateLimiter(limitPerMinute: 2, clock: { clock.now })
        #expect(limiter.take("key_a").isAllowed)
        #expect(limiter.take("key_a").isAllowed)
        #expect(!limiter.take("key_a").isAllowed)
        #expect(limiter.take("key_b").isAllowed)
        #expect(limiter.bucketCount == 2)
    }

    @Test func tableNeverOutgrowsItsBound() {
        let clock = ManualClock()
        let limiter = RateLimiter(limitPerMinute: 10, maxBuckets: 4, clock: { clock.now })
        for index in 0..<100 {
            _ = limiter.take("key_\(index)")
            #expect(limiter.bucketCount <= 4)
        }
    }

    @Test func evictionForgetsTheFullestBucket() {
        let clock = ManualClock()
        let limiter = RateLimiter(limitPerMinute: 3, maxBuckets: 2, clock: { clock.now })
        for _ in 0..<3 { _ = limiter.take("busy") }
        _ = limiter.take("light")
        // A third key needs room: "light" has more tokens left, so it goes and "busy" stays empty.
        _ = limiter.take("new")
        #expect(limiter.bucketCount == 2)
        #expect(!limiter.take("busy").isAllowed)
    }

    @Test func refilledBucketsAreSweptOut() {
        let clock = ManualClock()
        let limiter = RateLimiter(limitPerMinute: 60, clock: { clock.now })
        for index in 0..<50 { _ = limiter.take("key_\(index)") }
        #expect(limiter.bucketCount == 50)
        clock.advance(by: .seconds(61))
        _ = limiter.take("key_0")
        #expect(limiter.bucketCount == 1)
    }
}
