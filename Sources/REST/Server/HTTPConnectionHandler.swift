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
            if let response = fastPath.answer(candidate) {
                context.write(self.wrapOutboundOut(.head(response)), promise: nil)
                self.writeEnd(self.wrapOutboundOut(.end(nil)), promise: nil, context: context, flush: true)
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
        self.writeEnd(data, promise: promise, context: context, flush: false)
    }

    /// Writes the end of a response, fast or routed, and does what the connection's rules say
    /// then. A close waits for the write to finish: closing with it still pending would drop it.
    private func writeEnd(
        _ data: NIOAny, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext, flush: Bool
    ) {
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
        if flush {
            context.writeAndFlush(data, promise: promise)
        } else {
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
