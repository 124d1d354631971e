/// Where committed changes and call lifecycle events are published, and where the live fan-out
/// subscribes. The embedded default is ``InProcessEventBus``; a Redis-backed bus implements the
/// same protocol for many instances.
///
/// `publish` is called from event loops on the media path: an implementation must never block or
/// wait on I/O there (it hands the event to its own bounded buffer instead).
public protocol EventBus: Sendable {
    func publish(_ event: DomainEvent)

    /// A stream of every event published after the call. The buffer is bounded: a subscriber that
    /// falls `bufferSize` events behind loses the oldest and learns it from ``EventSubscription/dropped``.
    func subscribe(bufferSize: Int) -> EventSubscription
}
