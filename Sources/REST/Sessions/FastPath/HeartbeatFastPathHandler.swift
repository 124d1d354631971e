import CoreMetrics
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Runs ``HeartbeatFastPathStateMachine`` for one HTTP connection, between the HTTP codec and the
/// router's async channel: answers heartbeats of known sessions on the event loop, forwards every
/// other part unchanged.
final class HeartbeatFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let fastPath: HeartbeatFastPath
    private var state = HeartbeatFastPathStateMachine()
    private var date = HTTPDateCache()

    init(_ fastPath: HeartbeatFastPath) {
        self.fastPath = fastPath
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = self.unwrapInboundIn(data)
        let action: HeartbeatFastPathStateMachine.Action
        switch part {
        case .head(let head): action = self.state.head(head, candidate: self.fastPath.candidate(head))
        case .body: action = self.state.body(part)
        case .end: action = self.state.end(part)
        }
        switch action {
        case .none:
            break
        case .forward(let parts):
            for part in parts { context.fireChannelRead(self.wrapInboundOut(part)) }
        case .tryAnswer(let candidate):
            let started = NIODeadline.now()
            if let response = self.fastPath.answer(candidate, date: self.date.now()) {
                context.write(self.wrapOutboundOut(.head(response)), promise: nil)
                if candidate.closesConnection {
                    let channel = context.channel
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                        channel.close(promise: nil)
                    }
                } else {
                    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                }
                self.fastPath.requests.increment()
                self.fastPath.durations.recordNanoseconds(Int64((NIODeadline.now() - started).nanoseconds))
            } else {
                for part in self.state.declined(candidate) { context.fireChannelRead(self.wrapInboundOut(part)) }
            }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        self.state.routerWrote(self.unwrapOutboundIn(data))
        context.write(data, promise: promise)
    }
}
