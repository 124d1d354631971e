import Synchronization

/// Messages published on the channels of one ``RedisClient/subscribe(to:bufferSize:)`` call.
///
/// Iterate it once. Its buffer is bounded: when the reader falls behind, the oldest messages are
/// dropped and counted in ``dropped``. The sequence ends when the client shuts down; ending the
/// iteration (leaving the loop, or cancelling its task) unsubscribes.
public struct RedisSubscription: AsyncSequence, Sendable {
    public typealias Element = RedisMessage

    let stream: AsyncStream<RedisMessage>
    let lifetime: Lifetime

    /// Messages lost to the full buffer so far.
    public var dropped: Int { self.lifetime.dropped.load(ordering: .relaxed) }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.stream.makeAsyncIterator(), guard: IterationGuard(self.lifetime))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<RedisMessage>.AsyncIterator
        let `guard`: IterationGuard

        public mutating func next() async -> RedisMessage? {
            await self.base.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> RedisMessage? {
            await self.base.next(isolation: actor)
        }
    }

    /// The subscription's end: unsubscribes once, whoever calls first (the stream ending, or the
    /// iterator going away).
    final class Lifetime: Sendable {
        let dropped = Atomic<Int>(0)
        private let ended = Atomic<Bool>(false)
        private let action = Mutex<(@Sendable () -> Void)?>(nil)

        /// Sets what ending does; called once, before the subscription is handed out.
        func onEnd(_ body: @escaping @Sendable () -> Void) {
            self.action.withLock { $0 = body }
        }

        func end() {
            guard !self.ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
            let action = self.action.withLock { action in
                defer { action = nil }
                return action
            }
            action?()
        }
    }

    /// Ends the subscription when the iterator that owns it is dropped.
    final class IterationGuard {
        private let lifetime: Lifetime

        init(_ lifetime: Lifetime) {
            self.lifetime = lifetime
        }

        deinit {
            self.lifetime.end()
        }
    }
}
