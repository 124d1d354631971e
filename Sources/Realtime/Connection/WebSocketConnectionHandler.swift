import Core
import CoreMetrics
import Logging
import NIOCore
import NIOWebSocket

/// Runs one WebSocket connection: feeds frames to ``WebSocketConnectionStateMachine`` and
/// ``KeepaliveStateMachine`` and performs the actions they return, moves messages through the two
/// bounded queues, and talks to the endpoint's ``WebSocketSession``.
///
/// Writes go straight to the channel while it is writable and are flushed once per read burst;
/// when the channel stops being writable, messages wait in the outbound queue under its policy.
final class WebSocketConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let request: WebSocketUpgradeRequest
    let logger: Logger
    private let configuration: WebSocketEndpointConfiguration
    private let metrics: WebSocketRouteMetrics
    private var session: (any WebSocketSession)?
    private var protocolState: WebSocketConnectionStateMachine
    private var keepalive: KeepaliveStateMachine
    private var inbound: BoundedQueue<WebSocketMessage>
    private var outbound: BoundedQueue<WebSocketMessage>
    private var context: ChannelHandlerContext?
    private var keepaliveTimer: Scheduled<Void>?
    private var closeTimer: Scheduled<Void>?
    private var closeInfo: WebSocketCloseInfo?
    /// Inside `channelRead`..`channelReadComplete`: writes wait for the one flush at the end.
    private var isReading = false
    private var needsFlush = false
    private var isReceivingPaused = false
    private var isDeliveringQueued = false
    private var isReadingPausedForBackpressure = false
    /// Counted locally and added to the shared counters once per read burst, not once per message.
    private var unreportedReceived = 0
    private var unreportedSent = 0

    init(
        request: WebSocketUpgradeRequest,
        configuration: WebSocketEndpointConfiguration,
        session: any WebSocketSession,
        metrics: WebSocketRouteMetrics,
        logger: Logger
    ) {
        self.request = request
        self.configuration = configuration
        self.session = session
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "ws.route"] = "\(request.route)"
        self.logger = logger
        self.protocolState = WebSocketConnectionStateMachine(maxMessageSize: configuration.maxMessageSize)
        self.keepalive = KeepaliveStateMachine(
            configuration: .init(
                pingInterval: configuration.pingInterval,
                pongTimeout: configuration.pongTimeout,
                idleTimeout: configuration.idleTimeout
            ),
            now: .now()
        )
        self.inbound = BoundedQueue(configuration.inboundQueue)
        self.outbound = BoundedQueue(configuration.outboundQueue)
    }

    var eventLoop: any EventLoop { self.context!.eventLoop }

    var allocator: ByteBufferAllocator { self.context?.channel.allocator ?? ByteBufferAllocator() }

    var queueStatistics: WebSocketQueueStatistics {
        WebSocketQueueStatistics(
            inboundDepth: self.inbound.count,
            inboundHighWaterMark: self.inbound.highWaterMark,
            inboundDropped: self.inbound.droppedCount,
            outboundDepth: self.outbound.count,
            outboundHighWaterMark: self.outbound.highWaterMark,
            outboundDropped: self.outbound.droppedCount
        )
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Restart the clocks from the loop's own time (virtual time under EmbeddedEventLoop).
        self.keepalive = KeepaliveStateMachine(configuration: self.keepalive.configuration, now: context.eventLoop.now)
        self.metrics.connections.increment()
        self.scheduleKeepalive()
        self.session?.opened(WebSocketConnection(handler: self))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.finish()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.isReading = true
        self.keepalive.frameReceived()
        self.perform(self.protocolState.receive(self.unwrapInboundIn(data)))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.isReading = false
        if self.needsFlush {
            self.flushNow(context: context)
        } else {
            self.reportCounts()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.drainOutbound()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOWebSocketError {
            self.perform(self.protocolState.decodingFailed(error))
        } else {
            self.logger.debug("WebSocket connection error", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            self.close(.goingAway, reason: "server shutting down")
        case ChannelEvent.inputClosed:
            // The server bootstrap allows half-closure, so a peer that vanished (or shut its write side)
            // shows up here rather than as channelInactive. Nothing more can arrive, not even a close
            // frame: end the connection now instead of holding its slot until keepalive gives up.
            self.closeInfo = self.closeInfo ?? WebSocketCloseInfo(code: nil, initiator: .transport)
            context.close(promise: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: The session's calls

    func send(_ message: WebSocketMessage, isEssential: Bool) -> Bool {
        guard let context, self.protocolState.canSend else { return false }
        if self.outbound.isEmpty {
            if !context.channel.isWritable && self.needsFlush {
                // Backed up inside a read burst: let the kernel take what it can before queueing.
                self.needsFlush = false
                context.flush()
            }
            if context.channel.isWritable {
                self.write(message, context: context)
                return true
            }
        }
        let result = self.outbound.append(message, isEssential: isEssential)
        guard self.accepted(result, dropCounter: self.metrics.outboundDropped, queue: "send") else { return false }
        if self.configuration.pausesReadingWhileOutboundQueued && !self.isReadingPausedForBackpressure {
            self.isReadingPausedForBackpressure = true
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
        return true
    }

    func discardQueuedDroppable() -> Int {
        self.outbound.removeDroppable()
    }

    func close(_ code: WebSocketCloseCode, reason: String) {
        self.perform(self.protocolState.close(code, reason: reason))
    }

    func pauseReceiving() {
        self.isReceivingPaused = true
    }

    func resumeReceiving() {
        self.isReceivingPaused = false
        guard !self.isDeliveringQueued else { return }
        self.isDeliveringQueued = true
        defer { self.isDeliveringQueued = false }
        while !self.isReceivingPaused, let session = self.session, let message = self.inbound.popFirst() {
            session.received(message, on: WebSocketConnection(handler: self))
        }
    }

    // MARK: Performing actions

    private func perform(_ action: WebSocketConnectionStateMachine.ReceiveAction) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .deliver(let message):
            self.keepalive.messageReceived()
            self.unreportedReceived += 1
            self.deliver(message)
        case .sendPong(let payload):
            self.writeFrame(WebSocketFrame(fin: true, opcode: .pong, data: payload), context: context)
        case .pongReceived:
            self.keepalive.pongReceived()
        case .sendClose(let code, let reason):
            self.closeInfo = self.closeInfo ?? WebSocketCloseInfo(code: code, initiator: .server)
            self.outbound.removeAll()
            self.writeFrame(self.closeFrame(code, reason: reason, context: context), context: context)
            if self.needsFlush {
                self.flushNow(context: context)
            }
            self.keepaliveTimer?.cancel()
            self.closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.configuration.closeTimeout) {
                self.context?.close(promise: nil)
            }
        case .sendCloseAndDisconnect(let code, let reason, let peerInitiated):
            self.closeInfo =
                self.closeInfo ?? WebSocketCloseInfo(code: code, initiator: peerInitiated ? .peer : .server)
            self.outbound.removeAll()
            let frame = self.closeFrame(code, reason: reason, context: context)
            context.writeAndFlush(self.wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .disconnect:
            context.close(promise: nil)
        }
    }

    private func deliver(_ message: WebSocketMessage) {
        if !self.isReceivingPaused && self.inbound.isEmpty {
            self.session?.received(message, on: WebSocketConnection(handler: self))
            return
        }
        _ = self.accepted(self.inbound.append(message), dropCounter: self.metrics.inboundDropped, queue: "receive")
    }

    /// Counts what a queue append dropped and applies the `close` policy; the one place both queues'
    /// overflow rules live. Returns `false` when the append overflowed and the connection is closing.
    private func accepted(
        _ result: BoundedQueue<WebSocketMessage>.AppendResult,
        dropCounter: Counter,
        queue: String
    ) -> Bool {
        switch result {
        case .appended:
            return true
        case .appendedDroppingOldest, .droppedNewest:
            dropCounter.increment()
            return true
        case .overflow:
            dropCounter.increment()
            self.metrics.queueOverflowCloses.increment()
            self.close(self.configuration.overflowCloseCode, reason: "\(queue) queue overflow")
            return false
        }
    }

    private func drainOutbound() {
        guard let context else { return }
        var wrote = false
        while context.channel.isWritable, let message = self.outbound.popFirst() {
            self.write(message, context: context)
            wrote = true
        }
        if wrote && !self.isReading {
            self.flushNow(context: context)
        }
        if self.outbound.isEmpty && self.isReadingPausedForBackpressure {
            self.isReadingPausedForBackpressure = false
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
    }

    private func write(_ message: WebSocketMessage, context: ChannelHandlerContext) {
        let frame: WebSocketFrame
        switch message {
        case .text(let buffer): frame = WebSocketFrame(fin: true, opcode: .text, data: buffer)
        case .binary(let buffer): frame = WebSocketFrame(fin: true, opcode: .binary, data: buffer)
        }
        self.unreportedSent += 1
        self.writeFrame(frame, context: context)
    }

    private func writeFrame(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        context.write(self.wrapOutboundOut(frame), promise: nil)
        if self.isReading {
            self.needsFlush = true
        } else {
            self.flushNow(context: context)
        }
    }

    /// Every flush is also when counters are reported, so a push-only connection (no reads, hence
    /// no read-complete) still shows its messages in the metrics.
    private func flushNow(context: ChannelHandlerContext) {
        self.needsFlush = false
        context.flush()
        self.reportCounts()
    }

    private func closeFrame(_ code: WebSocketCloseCode?, reason: String, context: ChannelHandlerContext)
        -> WebSocketFrame
    {
        var buffer = context.channel.allocator.buffer(capacity: 2 + min(reason.utf8.count, 123))
        if let code {
            buffer.writeInteger(code.rawValue)
            // A control frame carries at most 125 bytes: cut the reason on a character boundary.
            var reasonBytes = 0
            for scalar in reason.unicodeScalars {
                let length = scalar.utf8.count
                guard reasonBytes + length <= 123 else { break }
                reasonBytes += length
            }
            buffer.writeBytes(reason.utf8.prefix(reasonBytes))
        }
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer)
    }

    // MARK: Keepalive

    private func scheduleKeepalive() {
        guard let context else { return }
        guard self.keepalive.nextDeadline != .distantFuture else { return }
        // Never at or before now: a deadline that did not move would otherwise re-fire in a loop.
        let deadline = max(self.keepalive.nextDeadline, context.eventLoop.now + .milliseconds(1))
        self.keepaliveTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.keepaliveFired()
        }
    }

    private func keepaliveFired() {
        guard let context, self.protocolState.state == .open else { return }
        switch self.keepalive.tick(now: context.eventLoop.now) {
        case .none:
            break
        case .sendPing(let payload):
            self.writeFrame(WebSocketFrame(fin: true, opcode: .ping, data: payload), context: context)
        case .closeIdle:
            self.close(.normalClosure, reason: "idle timeout")
            return
        case .terminate:
            self.metrics.keepaliveTimeouts.increment()
            self.logger.debug("WebSocket peer did not answer a ping; dropping the connection")
            self.closeInfo = WebSocketCloseInfo(code: nil, initiator: .transport)
            context.close(promise: nil)
            return
        }
        self.scheduleKeepalive()
    }

    // MARK: Teardown

    private func reportCounts() {
        if self.unreportedReceived > 0 {
            self.metrics.messagesReceived.increment(by: Int64(self.unreportedReceived))
            self.unreportedReceived = 0
        }
        if self.unreportedSent > 0 {
            self.metrics.messagesSent.increment(by: Int64(self.unreportedSent))
            self.unreportedSent = 0
        }
    }

    /// Runs once, whichever of channelInactive and handlerRemoved comes first.
    private func finish() {
        guard let session = self.session else { return }
        self.session = nil
        self.keepaliveTimer?.cancel()
        self.closeTimer?.cancel()
        self.reportCounts()
        let info = self.closeInfo ?? WebSocketCloseInfo(code: nil, initiator: .transport)
        self.metrics.connections.decrement()
        self.metrics.closed(code: info.code, initiator: info.initiator.rawValue)
        self.inbound.removeAll()
        self.outbound.removeAll()
        session.closed(info)
    }
}

@available(*, unavailable)
extension WebSocketConnectionHandler: Sendable {}
