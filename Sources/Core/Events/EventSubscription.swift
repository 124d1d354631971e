import Synchronization

/// One subscriber's view of an ``EventBus``: an async sequence of events, and how many it missed
/// because it fell behind its buffer.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = DomainEvent

    let stream: AsyncStream<DomainEvent>
    let droppedCounter: DroppedCounter

    /// Events this subscriber lost to its full buffer.
    public var dropped: Int { self.droppedCounter.value.load(ordering: .relaxed) }

    public func makeAsyncIterator() -> AsyncStream<DomainEvent>.AsyncIterator {
        self.stream.makeAsyncIterator()
    }

    final class DroppedCounter: Sendable {
        let value = Atomic<Int>(0)
    }
}
