import Synchronization

/// One ``TokenBucket`` per API key, shared by every connection.
///
/// Memory is bounded twice over: buckets that have refilled completely are forgotten (at most once a
/// minute, and whenever the table is full), which changes no decision since a new bucket is full
/// too; and the table never holds more than `maxBuckets`, forgetting the fullest bucket to make room
/// if it must.
public final class RateLimiter: Sendable {
    /// Requests per minute per key.
    public let limitPerMinute: Int
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let table: Mutex<BucketTable>

    /// - Parameters:
    ///   - limitPerMinute: the burst and, spread over a minute, the sustained rate; at least 1.
    ///   - maxBuckets: the most keys tracked at once.
    ///   - clock: the time; tests inject one to refill buckets without sleeping.
    public init(
        limitPerMinute: Int,
        maxBuckets: Int = 10_000,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        precondition(limitPerMinute >= 1, "a rate limit allows at least one request per minute")
        precondition(maxBuckets >= 1, "a rate limiter tracks at least one key")
        self.limitPerMinute = limitPerMinute
        self.clock = clock
        self.table = Mutex(BucketTable(limitPerMinute: limitPerMinute, maxBuckets: maxBuckets, now: clock()))
    }

    /// Takes one request from `keyID`'s bucket.
    public func take(_ keyID: String) -> TokenBucket.Decision {
        let now = self.clock()
        return self.table.withLock { $0.take(keyID, now: now) }
    }

    /// Returns the token ``take(_:)`` handed out for a request that another path will take again.
    public func giveBack(_ keyID: String) {
        let now = self.clock()
        self.table.withLock { $0.giveBack(keyID, now: now) }
    }

    /// How many buckets are held now.
    public var bucketCount: Int {
        self.table.withLock { $0.count }
    }
}

extension RateLimiter {
    /// The buckets by key: the state ``RateLimiter`` guards with its lock.
    struct BucketTable: Sendable {
        /// How often completely refilled buckets are swept out; a bucket refills in a minute at most.
        static let sweepInterval: Duration = .seconds(60)

        let limitPerMinute: Int
        let maxBuckets: Int
        private var buckets: [String: TokenBucket] = [:]
        private var nextSweep: ContinuousClock.Instant

        init(limitPerMinute: Int, maxBuckets: Int, now: ContinuousClock.Instant) {
            self.limitPerMinute = limitPerMinute
            self.maxBuckets = maxBuckets
            self.nextSweep = now + Self.sweepInterval
        }

        var count: Int { self.buckets.count }

        mutating func take(_ keyID: String, now: ContinuousClock.Instant) -> TokenBucket.Decision {
            if now >= self.nextSweep {
                self.sweep(now: now)
            }
            if let decision = self.buckets[keyID]?.take(now: now) {
                return decision
            }
            if self.buckets.count >= self.maxBuckets {
                self.sweep(now: now)
            }
            if self.buckets.count >= self.maxBuckets {
                // Forgetting the fullest bucket hands its key the fewest extra requests.
                let fullest = self.buckets.max { $0.value.available(at: now) < $1.value.available(at: now) }
                if let fullest {
                    self.buckets[fullest.key] = nil
                }
            }
            var bucket = TokenBucket(limitPerMinute: self.limitPerMinute, now: now)
            let decision = bucket.take(now: now)
            self.buckets[keyID] = bucket
            return decision
        }

        mutating func giveBack(_ keyID: String, now: ContinuousClock.Instant) {
            self.buckets[keyID]?.giveBack(now: now)
        }

        private mutating func sweep(now: ContinuousClock.Instant) {
            self.buckets = self.buckets.filter { !$0.value.isFull(at: now) }
            self.nextSweep = now + Self.sweepInterval
        }
    }
}
