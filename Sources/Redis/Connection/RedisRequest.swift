import NIOCore

/// What goes down a Redis channel: commands encoded and written together, and the promise their
/// replies complete, in order.
struct RedisRequest: Sendable {
    var bytes: ByteBuffer
    /// Replies to wait for: one per command, or one per channel for `SUBSCRIBE`/`UNSUBSCRIBE`.
    var expectedReplies: Int
    var promise: EventLoopPromise<[RESPValue]>
}
