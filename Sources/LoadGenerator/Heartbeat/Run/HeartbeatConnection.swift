import NIOCore
import NIOPosix

/// One keep-alive HTTP/1.1 connection of a ``HeartbeatDriver``: it connects (and reconnects), sends
/// the request the driver hands it when idle, reads the response with an ``HTTPResponseParser``
/// and reports it back. Its lifecycle is an ``HTTPClientStateMachine``; this class only performs
/// the actions.
///
/// Bound to its driver's event loop. Each TCP connection gets a fresh ``HeartbeatChannelHandler``
/// that forwards to this object, so a reconnect never reuses a handler.
final class HeartbeatConnection {
    private unowned let driver: HeartbeatDriver
    private var machine: HTTPClientStateMachine
    private var parser = HTTPResponseParser()
    private var channel: (any Channel)?
    /// Received bytes that do not make a whole head or line yet.
    private var carry: ByteBuffer?
    /// The request being written; cleared after each flush, so its storage is reused.
    private var outbound: ByteBuffer
    /// The request written and not answered yet.
    private(set) var inFlight: HeartbeatWorkQueue.Request?
    /// Whether the driver has this connection on its idle list.
    var isListedIdle = false
    private var hasReportedStop = false

    init(driver: HeartbeatDriver, timing: HTTPClientStateMachine.Timing) {
        self.driver = driver
        self.machine = HTTPClientStateMachine(timing: timing)
        self.outbound = ByteBufferAllocator().buffer(capacity: 512)
    }

    var isIdle: Bool { self.machine.isIdle }
    var isStopped: Bool { self.machine.state == .stopped }

    // MARK: Driven by the driver

    func tick(now: UInt64) {
        self.perform(self.machine.tick(now: now), now: now)
    }

    /// No more requests: the one in flight finishes, then the connection closes for good.
    func stop(now: UInt64) {
        self.perform(self.machine.stop(), now: now)
        self.reportStopIfStopped()
    }

    /// Closes now, whatever is in flight (the run's hard deadline).
    func abort() {
        self.channel?.close(promise: nil)
    }

    /// Writes `request`; the connection must be idle.
    func send(_ request: HeartbeatWorkQueue.Request, now: UInt64) {
        guard let channel = self.channel else { preconditionFailure("an idle connection has a channel") }
        self.driver.write(request, into: &self.outbound, now: now)
        self.machine.requestSent(now: now)
        self.inFlight = request
        channel.writeAndFlush(self.outbound, promise: nil)
        // The write normally completes inside the flush, leaving this buffer's storage unshared.
        self.outbound.clear()
    }

    private func connect() {
        let bound = NIOLoopBound(self, eventLoop: self.driver.eventLoop)
        ClientBootstrap(group: self.driver.eventLoop)
            .connectTimeout(.nanoseconds(Int64(self.driver.connectTimeout)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HeartbeatChannelHandler(connection: bound.value))
                }
            }
            .connect(to: self.driver.target.address)
            .assumeIsolated()
            .whenFailure { error in
                let now = self.driver.now()
                self.perform(self.machine.connectFailed(now: now, reason: "connect: \(error)"), now: now)
                self.reportStopIfStopped()
            }
    }

    // MARK: Channel events, from the handler

    func channelActive(_ channel: any Channel) {
        self.channel = channel
        self.driver.statistics.connects += 1
        self.perform(self.machine.connected(), now: self.driver.now())
    }

    func channelRead(_ received: ByteBuffer) {
        var bytes = received
        if var carry = self.carry {
            self.carry = nil
            carry.writeBuffer(&bytes)
            bytes = carry
        }
        let now = self.driver.now()
        while true {
            switch self.parser.next(in: &bytes) {
            case .response(let response):
                let actions = self.machine.responseReceived(closesConnection: response.closesConnection)
                if let request = self.inFlight {
                    self.inFlight = nil
                    self.driver.completed(request, response: response, now: now)
                }
                self.perform(actions, now: now)
                // Closing: nothing more is read. Otherwise idle or awaiting the next request's
                // response: bytes left over (there should be none) are parsed, and a response
                // nobody asked for closes the connection.
                if self.machine.state == .closing { return }
            case .needMoreBytes:
                if bytes.readableBytes > 0 {
                    bytes.discardReadBytes()
                    self.carry = bytes
                }
                return
            case .invalid(let reason):
                self.perform(self.machine.protocolError(reason), now: now)
                return
            }
        }
    }

    func channelInactive() {
        let now = self.driver.now()
        if let end = self.parser.endOfInput() {
            switch end {
            case .response(let response):
                _ = self.machine.responseReceived(closesConnection: true)
                if let request = self.inFlight {
                    self.inFlight = nil
                    self.driver.completed(request, response: response, now: now)
                }
            case .invalid(let reason):
                self.perform(self.machine.protocolError(reason), now: now)
            case .needMoreBytes:
                break
            }
        }
        self.parser = HTTPResponseParser()
        self.carry = nil
        self.channel = nil
        self.perform(self.machine.closed(now: now), now: now)
        self.reportStopIfStopped()
    }

    func errorCaught(_ error: any Error) {
        self.perform(self.machine.protocolError("\(error)"), now: self.driver.now())
    }

    // MARK: Performing

    /// Tells the driver once that this connection is closed for good.
    private func reportStopIfStopped() {
        guard self.isStopped, !self.hasReportedStop else { return }
        self.hasReportedStop = true
        self.driver.connectionStopped()
    }

    private func perform(_ actions: HTTPClientStateMachine.Actions, now: UInt64) {
        if actions.connect { self.connect() }
        if let failure = actions.failRequest, let request = self.inFlight {
            self.inFlight = nil
            self.driver.failed(request, failure, now: now)
        }
        if let error = actions.connectionError { self.driver.statistics.connectionFailed(error) }
        if actions.close { self.channel?.close(promise: nil) }
        if actions.readyForRequest { self.driver.connectionIdle(self, now: now) }
    }
}

@available(*, unavailable)
extension HeartbeatConnection: Sendable {}

/// Forwards one TCP connection's events to its ``HeartbeatConnection``.
final class HeartbeatChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: HeartbeatConnection

    init(connection: HeartbeatConnection) {
        self.connection = connection
    }

    func channelActive(context: ChannelHandlerContext) {
        self.connection.channelActive(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.connection.channelRead(self.unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.connection.channelInactive()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.connection.errorCaught(error)
    }
}

@available(*, unavailable)
extension HeartbeatChannelHandler: Sendable {}
