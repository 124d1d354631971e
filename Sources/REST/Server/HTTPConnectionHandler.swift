import NIOCore
import NIOHTTP1

/// One HTTP/1 connection, between NIO's HTTP/1 codec and the HTTPTypes codec in front of the
/// router: runs ``HTTPConnectionStateMachine`` (idle timeout, close on shutdown) over every request.
/// Requests and responses pass through unchanged. ``HeartbeatFastPathHandler``, ahead of the codec,
/// asks it whether the connection is free for a fast answer and reports the answers it sends.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var connection: HTTPConnectionStateMachine
    private var idleTimer: Scheduled<Void>?

    init(idleTimeout: TimeAmount?) {
        self.connection = HTTPConnectionStateMachine(idleTimeout: idleTimeout, now: .now())
    }

    /// Whether a response written now would be in order, and the decoder has read every one of the
    /// `headsGiven` request heads it was given (a head it refused leaves the connection to it).
    func isIdle(headsGiven: Int) -> Bool {
        self.connection.isIdle && self.connection.headsRead == headsGiven
    }

    /// A request was answered ahead of the codec while ``isIdle(headsGiven:)``.
    func answeredAhead(now: NIODeadline) {
        self.connection.answeredAhead(now: now)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.run(self.connection.activated(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.run(self.connection.activated(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.connection.deactivated()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            self.run(self.connection.quiesce(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = NIODeadline.now()
        switch self.unwrapInboundIn(data) {
        case .head(let head): self.connection.readHead(keepAlive: head.isKeepAlive, now: now)
        case .body: self.connection.readBody(now: now)
        case .end: self.connection.readEnd(now: now)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = self.unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        self.writeEnd(data, promise: promise, context: context)
    }

    /// Writes the end of a response and does what the connection's rules say then. A close waits
    /// for the write to finish: closing with it still pending would drop it.
    private func writeEnd(_ data: NIOAny, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        switch self.connection.wroteEnd(now: .now()) {
        case .close:
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { [channel = context.channel] result in
                promise?.completeWith(result)
                channel.close(promise: nil)
            }
            context.writeAndFlush(data, promise: written)
            return
        case .scheduleTimeout(let deadline):
            self.arm(deadline, context: context)
        case .none:
            break
        }
        context.write(data, promise: promise)
    }

    private func run(_ action: HTTPConnectionStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none: break
        case .scheduleTimeout(let deadline): self.arm(deadline, context: context)
        case .close: context.close(promise: nil)
        }
    }

    /// One timer at a time, as in Hummingbird: a later deadline is found when it fires.
    private func arm(_ deadline: NIODeadline, context: ChannelHandlerContext) {
        guard self.idleTimer == nil else { return }
        self.idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.idleTimer = nil
            self.run(self.connection.timedOut(now: .now()), context: context)
        }
    }
}
