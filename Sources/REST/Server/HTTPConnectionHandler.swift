import NIOCore
import NIOHTTP1

/// One HTTP/1 connection, between NIO's HTTP/1 codec and the HTTPTypes codec in front of the
/// router: runs ``HTTPConnectionStateMachine`` (idle timeout, close on shutdown) over every request,
/// and ``HeartbeatFastPathStateMachine`` to answer heartbeats of known sessions on the event loop.
/// Every other part passes through unchanged.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let fastPath: HeartbeatFastPath?
    private var connection: HTTPConnectionStateMachine
    private var heartbeats = HeartbeatFastPathStateMachine()
    private var date = HTTPDateCache()
    private var knownKey: KnownKey?
    private var idleTimer: Scheduled<Void>?

    /// - Parameter fastPath: answers heartbeats before the router; `nil` leaves them all to it.
    init(idleTimeout: TimeAmount?, fastPath: HeartbeatFastPath?) {
        self.connection = HTTPConnectionStateMachine(idleTimeout: idleTimeout, now: .now())
        self.fastPath = fastPath
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
        let part = self.unwrapInboundIn(data)
        let now = NIODeadline.now()
        switch part {
        case .head(let head): self.connection.readHead(keepAlive: head.isKeepAlive, now: now)
        case .body: self.connection.readBody(now: now)
        case .end: self.connection.readEnd(now: now)
        }
        guard let fastPath = self.fastPath else {
            context.fireChannelRead(data)
            return
        }
        let action: HeartbeatFastPathStateMachine.Action
        switch part {
        case .head(let head):
            action = self.heartbeats.head(head, candidate: fastPath.candidate(head, knownKey: &self.knownKey))
        case .body: action = self.heartbeats.body(part)
        case .end: action = self.heartbeats.end(part)
        }
        switch action {
        case .none:
            break
        case .forward(let parts):
            for part in parts { context.fireChannelRead(self.wrapInboundOut(part)) }
        case .tryAnswer(let candidate):
            if let response = fastPath.answer(candidate, date: self.date.now()) {
                context.write(self.wrapOutboundOut(.head(response)), promise: nil)
                let after = self.connection.wroteEnd(now: .now())
                if after == .close {
                    let channel = context.channel
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                        channel.close(promise: nil)
                    }
                } else {
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                    self.run(after, context: context)
                }
                fastPath.answered(since: now)
            } else {
                for part in self.heartbeats.declined(candidate) { context.fireChannelRead(self.wrapInboundOut(part)) }
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = self.unwrapOutboundIn(data)
        self.heartbeats.routerWrote(part)
        guard case .end = part else {
            context.write(data, promise: promise)
            return
        }
        switch self.connection.wroteEnd(now: .now()) {
        case .close:
            context.writeAndFlush(data, promise: promise)
            context.close(promise: nil)
        case .scheduleTimeout(let deadline):
            self.arm(deadline, context: context)
            context.write(data, promise: promise)
        case .none:
            context.write(data, promise: promise)
        }
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
