import Synchronization

/// The embedded ``EventBus``: fan-out inside one process. Publishing takes a lock only to read the
/// subscriber list and yields to each subscriber's bounded stream, so it never waits for a reader.
public final class InProcessEventBus: EventBus {
    private struct Subscriber {
        var continuation: AsyncStream<DomainEvent>.Continuation
        var dropped: EventSubscription.DroppedCounter
    }

    private let subscribers = Mutex<(next: Int, all: [Int: Subscriber])>((0, [:]))

    public init() {}

    public func publish(_ event: DomainEvent) {
        let current = self.subscribers.withLock { Array($0.all.values) }
        for subscriber in current {
            if case .dropped = subscriber.continuation.yield(event) {
                subscriber.dropped.value.add(1, ordering: .relaxed)
            }
        }
    }

    public func subscribe(bufferSize: Int = 1024) -> EventSubscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: DomainEvent.self, bufferingPolicy: .bufferingNewest(max(1, bufferSize)))
        let dropped = EventSubscription.DroppedCounter()
        let id = self.subscribers.withLock { state in
            let id = state.next
            state.next += 1
            state.all[id] = Subscriber(continuation: continuation, dropped: dropped)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.all.removeValue(forKey: id) }
        }
        return EventSubscription(stream: stream, droppedCounter: dropped)
    }

    /// How many subscribers are attached (for readiness and tests).
    public var subscriberCount: Int { self.subscribers.withLock { $0.all.count } }
}
