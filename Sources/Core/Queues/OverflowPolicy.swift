/// What a ``BoundedQueue`` does when an element arrives and it is full.
public enum OverflowPolicy: Sendable, Hashable {
    /// Evict the oldest droppable element to make room: right for real-time audio, where the newest
    /// frame is worth more than a stale one.
    case dropOldest
    /// Refuse the new element: right when what is queued must go out in order and a gap at the end is
    /// cheaper than one in the middle.
    case dropNewest
    /// Refuse the new element and tell the owner to close the connection: right when nothing may be
    /// lost silently (an agent console closed with 4008 replays from its cursor instead).
    case close
}

/// Capacity and overflow policy of one ``BoundedQueue``.
public struct BoundedQueueConfiguration: Sendable, Hashable {
    /// Most elements held at once; at least 1.
    public var capacity: Int
    /// What happens when an element arrives and `capacity` elements are queued.
    public var policy: OverflowPolicy

    public init(capacity: Int, policy: OverflowPolicy) {
        precondition(capacity >= 1, "a bounded queue holds at least one element")
        self.capacity = capacity
        self.policy = policy
    }
}
