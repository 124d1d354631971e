import NIOCore

/// The Redis protocol on one channel: writes each ``RedisRequest`` as it comes, parses replies
/// with ``RedisReplyReader`` and completes requests in order, and closes the channel when a request
/// times out or the reply stream breaks. ``RedisConnectionStateMachine`` decides; this class only
/// performs its actions.
///
/// One timer per connection, armed for the oldest request's deadline and re-armed when it fires
/// early, so that a pipeline of thousands of commands does not schedule thousands of timers.
final class RedisConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var state: RedisConnectionStateMachine<EventLoopPromise<[RESPValue]>>
    private let reader = RedisReplyReader()
    /// Receives published messages on a pub/sub connection; called on the event loop.
    private let onMessage: @Sendable (RedisMessage) -> Void
    private var timer: Scheduled<Void>?

    init(
        configuration: RedisConnectionStateMachine<EventLoopPromise<[RESPValue]>>.Configuration,
        onMessage: @escaping @Sendable (RedisMessage) -> Void = { _ in }
    ) {
        self.state = RedisConnectionStateMachine(configuration: configuration)
        self.onMessage = onMessage
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.failAll(RedisError(.connectionClosed, "the connection was torn down"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(RedisError(.connectionClosed, "Redis closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.failAll(RedisError(.connectionClosed, "the connection failed: \(error)"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try self.reader.feed(self.unwrapInboundIn(data))
            while self.state.isOpen, let value = try self.reader.next() {
                self.perform(self.state.replyReceived(value), context: context)
            }
        } catch {
            self.perform(self.state.protocolError(error), context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        switch self.state.send(expecting: request.expectedReplies, token: request.promise, now: context.eventLoop.now) {
        case .write(let deadline):
            if let deadline { self.armTimer(deadline, context: context) }
            context.write(self.wrapOutboundOut(request.bytes), promise: promise)
        case .fail(let replies, let error):
            replies.fail(error)
            promise?.fail(error)
        }
    }

    private typealias StateMachine = RedisConnectionStateMachine<EventLoopPromise<[RESPValue]>>

    private func perform(_ action: StateMachine.ReplyAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .succeed(let promise, let replies):
            promise.succeed(replies)
        case .deliver(let message):
            self.onMessage(message)
        case .failAllAndClose(let promises, let error):
            self.cancelTimer()
            for promise in promises { promise.fail(error) }
            context.close(promise: nil)
        }
    }

    private func armTimer(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        self.timer = nil
        switch self.state.timerFired(now: context.eventLoop.now) {
        case .none:
            break
        case .rearm(let deadline):
            self.armTimer(deadline, context: context)
        case .failAllAndClose(let promises, let error):
            for promise in promises { promise.fail(error) }
            context.close(promise: nil)
        }
    }

    private func cancelTimer() {
        self.timer?.cancel()
        self.timer = nil
    }

    private func failAll(_ error: RedisError) {
        self.cancelTimer()
        for promise in self.state.closed(error) { promise.fail(error) }
    }
}

@available(*, unavailable)
extension RedisConnectionHandler: Sendable {}
