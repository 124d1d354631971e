import NIOCore
import NIOPosix

/// One simulated call on one TCP connection: the WebSocket handshake, then the Twilio messages its
/// ``CallStateMachine`` asks for at each tick, and the echo of every frame matched back to it.
///
/// Bound to its ``LoopDriver``'s event loop. The driver calls ``serviceTick(now:)`` on the ticks
/// of this call's phase; everything due is written into one reused buffer and flushed once.
final class CallClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let index: Int
    let startTick: Int
    let isSlowConsumer: Bool
    /// `SO_RCVBUF` of a slow consumer's socket.
    static let slowConsumerReceiveBuffer = 8 << 10
    private unowned let driver: LoopDriver
    private var machine: CallStateMachine
    private var tracker: EchoTracker
    private let identity: CallIdentity
    private let handshake: ClientHandshake
    private let parser = ServerFrameParser()
    private var context: ChannelHandlerContext?
    private var isUpgraded = false
    private var isAccounted = false
    private var hasFailed = false
    /// Received bytes that do not make a whole frame yet.
    private var carry: ByteBuffer?
    /// A fragmented text message being put back together (servers rarely fragment).
    private var fragments: ByteBuffer?
    /// Frames for the next flush; cleared after each, so its storage is reused.
    private var outbound: ByteBuffer
    /// One JSON message before it is masked into ``outbound``.
    private var body: ByteBuffer
    /// Where the first base64 characters of an echoed payload are decoded.
    private var decoded: ByteBuffer
    private var maskState: UInt32
    private var framesSent = 0
    private var sequenceNumber = 1

    init(
        index: Int,
        startTick: Int,
        isSlowConsumer: Bool,
        identity: CallIdentity,
        handshakeKey: [UInt8],
        maskSeed: UInt32,
        driver: LoopDriver
    ) {
        self.index = index
        self.startTick = startTick
        self.isSlowConsumer = isSlowConsumer
        self.identity = identity
        self.handshake = ClientHandshake(keyBytes: handshakeKey)
        self.driver = driver
        var timing = driver.timing
        if !isSlowConsumer { timing.stallAfter = nil }
        self.machine = CallStateMachine(timing: timing)
        self.tracker = EchoTracker(frames: driver.plan.framesPerCall)
        let allocator = ByteBufferAllocator()
        self.outbound = allocator.buffer(capacity: 1024)
        self.body = allocator.buffer(capacity: 512)
        self.decoded = allocator.buffer(capacity: 8)
        self.maskState = maskSeed | 1
    }

    // MARK: Driven by the loop driver

    /// Opens the TCP connection; the handshake starts when it is active.
    func connect() {
        let now = self.driver.now()
        self.machine.connectStarted(now: now)
        self.driver.statistics.callsStarted += 1
        let bound = NIOLoopBound(self, eventLoop: self.driver.eventLoop)
        var bootstrap = ClientBootstrap(group: self.driver.eventLoop)
            .connectTimeout(.nanoseconds(Int64(self.machine.timing.connectTimeout)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        if self.isSlowConsumer {
            // Loopback autotunes a receive buffer up to 32 MiB, which would soak up a whole minute of
            // unread echoes: a small window, like a congested link's, makes the stall reach the server.
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: Self.slowConsumerReceiveBuffer)
        }
        bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(bound.value) }
            }
            .connect(to: self.driver.address)
            .assumeIsolated()
            .whenFailure { error in
                self.perform(self.machine.failed("connect: \(error)"))
                self.account()
            }
    }

    /// Runs the state machine at `now` (run-relative nanoseconds) and performs what it asks.
    @inline(__always)
    func serviceTick(now: UInt64) {
        if case .finished = self.machine.state { return }
        if case .planned = self.machine.state { return }
        self.perform(self.machine.tick(now: now, allEchoed: self.tracker.echoed >= self.framesSent))
    }

    /// Ends the call now, whatever state it is in (the run's hard deadline).
    func abort() {
        switch self.machine.state {
        case .planned:
            self.perform(self.machine.failed("run ended before this call started"))
            self.account()
        case .finished:
            break
        default:
            self.context?.close(promise: nil)
        }
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        var request = context.channel.allocator.buffer(capacity: 256)
        self.handshake.writeRequest(
            host: self.driver.configuration.host, port: self.driver.configuration.port,
            path: self.driver.configuration.path, into: &request)
        context.writeAndFlush(self.wrapOutboundOut(request), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasUpgraded = self.isUpgraded
        let early = self.machine.channelClosed()
        if !wasUpgraded {
            if !self.hasFailed { self.driver.statistics.fail("connection closed during the handshake") }
        } else if early {
            self.driver.statistics.callsEndedByServer += 1
        }
        self.account()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.isUpgraded {
            self.perform(self.machine.failed("\(error)"))
            self.account()
        } else if self.driver.statistics.firstError == nil {
            self.driver.statistics.firstError = "\(error)"
        }
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        if var carry = self.carry {
            self.carry = nil
            carry.writeBuffer(&bytes)
            bytes = carry
        }
        if !self.isUpgraded {
            switch self.handshake.check(bytes) {
            case .incomplete:
                self.carry = bytes
                return
            case .rejected(let reason):
                self.perform(self.machine.failed(reason))
                self.account()
                return
            case .accepted(let length):
                bytes.moveReaderIndex(forwardBy: length)
                self.upgraded()
            }
        }
        let now = self.driver.now()
        while true {
            switch self.parser.next(in: &bytes) {
            case .frame(let frame):
                self.received(frame, in: bytes, now: now)
            case .needMoreBytes:
                if bytes.readableBytes > 0 {
                    bytes.discardReadBytes()
                    self.carry = bytes
                }
                return
            case .protocolError(let reason):
                if self.driver.statistics.firstError == nil { self.driver.statistics.firstError = reason }
                context.close(promise: nil)
                return
            }
        }
    }

    // MARK: Performing

    private func upgraded() {
        self.isUpgraded = true
        self.driver.statistics.callsConnected += 1
        self.driver.statistics.callsActive += 1
        if self.isSlowConsumer { self.driver.statistics.stalledCalls += 1 }
        self.machine.upgraded(
            schedule: self.driver.plan.schedule(startTick: self.startTick, readyNanoseconds: self.driver.now()))
        self.body.clear()
        TwilioClientMessages.writeConnected(into: &self.body)
        self.writeBody()
        self.body.clear()
        TwilioClientMessages.writeStart(self.identity, app: self.driver.configuration.app, into: &self.body)
        self.writeBody()
        self.flush()
    }

    private func perform(_ actions: CallStateMachine.Actions) {
        if !actions.sendFrames.isEmpty, let schedule = self.machine.schedule {
            for frame in actions.sendFrames {
                self.writeMedia(frame, schedule: schedule)
            }
        }
        if actions.stopReading {
            try? self.context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        }
        if actions.resumeReading {
            try? self.context?.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
        if actions.sendStopAndClose {
            self.sequenceNumber += 1
            self.body.clear()
            TwilioClientMessages.writeStop(sequenceNumber: self.sequenceNumber, self.identity, into: &self.body)
            self.writeBody()
            self.writeClose()
        }
        if actions.echoClose {
            self.writeClose()
        }
        self.flush()
        if let failure = actions.failure {
            self.hasFailed = true
            self.driver.statistics.fail(failure)
        }
        if actions.closeChannel {
            self.context?.close(promise: nil)
        }
    }

    @inline(__always)
    private func writeMedia(_ frame: Int, schedule: CallSchedule) {
        // Open loop: a frame the socket cannot take now is not queued in the generator (that
        // would grow without bound against a server that stopped reading); it is withheld and
        // counts as never echoed.
        guard let channel = self.context?.channel, channel.isWritable else {
            self.driver.statistics.framesWithheld += 1
            return
        }
        self.sequenceNumber += 1
        self.body.clear()
        TwilioClientMessages.writeMedia(
            sequenceNumber: self.sequenceNumber,
            chunk: frame + 1,
            timestampMilliseconds: schedule.timestampMilliseconds(ofFrame: frame),
            frame: frame,
            payload: self.driver.payload,
            streamSid: self.identity.streamSidBytes,
            into: &self.body
        )
        self.writeBody()
        self.framesSent += 1
        self.driver.statistics.framesSent += 1
        if self.isSlowConsumer { self.driver.statistics.stalledFramesSent += 1 }
    }

    @inline(__always)
    private func writeBody(_ opcode: ClientFrameWriter.Opcode = .text) {
        ClientFrameWriter.write(opcode, payload: self.body, maskKey: self.nextMaskKey(), into: &self.outbound)
    }

    private func writeClose() {
        self.body.clear()
        self.body.writeInteger(UInt16(1000))
        self.writeBody(.close)
    }

    private func flush() {
        guard self.outbound.readableBytes > 0, let context = self.context else { return }
        context.writeAndFlush(self.wrapOutboundOut(self.outbound), promise: nil)
        // The write normally completes inside the flush, leaving this buffer's storage unshared,
        // so clearing it reuses the storage instead of allocating.
        self.outbound.clear()
    }

    /// xorshift32: a fresh mask key for every frame (RFC 6455 section 5.3) at no cost.
    @inline(__always)
    private func nextMaskKey() -> UInt32 {
        var x = self.maskState
        x ^= x << 13
        x ^= x >> 17
        x ^= x << 5
        self.maskState = x
        return x
    }

    // MARK: Receiving

    @inline(__always)
    private func received(_ frame: ServerFrameParser.Frame, in buffer: ByteBuffer, now: UInt64) {
        switch frame.opcode {
        case 0x1 where frame.fin && self.fragments == nil:
            buffer.withVeryUnsafeBytes { storage in
                self.receivedText(UnsafeRawBufferPointer(rebasing: storage[frame.payloadRange]), now: now)
            }
        case 0x1, 0x0:
            self.receivedFragment(frame, in: buffer, now: now)
        case 0x8:
            self.perform(self.machine.serverClosed())
        case 0x9:
            let maskKey = self.nextMaskKey()
            buffer.withVeryUnsafeBytes { storage in
                ClientFrameWriter.write(
                    .pong, payload: UnsafeRawBufferPointer(rebasing: storage[frame.payloadRange]),
                    maskKey: maskKey, into: &self.outbound)
            }
            self.flush()
        default:
            // Pongs, and binary frames the media protocol never sends.
            if frame.opcode != 0xA { self.driver.statistics.unmatchedMessages += 1 }
        }
    }

    private func receivedFragment(_ frame: ServerFrameParser.Frame, in buffer: ByteBuffer, now: UInt64) {
        if frame.opcode == 0x1 { self.fragments = ByteBuffer() }
        guard var fragments = self.fragments else {
            self.driver.statistics.unmatchedMessages += 1
            return
        }
        buffer.withVeryUnsafeBytes { storage in
            _ = fragments.writeBytes(UnsafeRawBufferPointer(rebasing: storage[frame.payloadRange]))
        }
        if frame.fin {
            self.fragments = nil
            fragments.withUnsafeReadableBytes { self.receivedText($0, now: now) }
        } else {
            self.fragments = fragments
        }
    }

    @inline(__always)
    private func receivedText(_ message: UnsafeRawBufferPointer, now: UInt64) {
        guard let schedule = self.machine.schedule, let payload = EchoScanner.payloadStart(in: message),
            let index = self.driver.payload.frameIndex(encodedHeader: payload, scratch: &self.decoded)
        else {
            self.driver.statistics.unmatchedMessages += 1
            return
        }
        let gapsBefore = self.tracker.gaps
        let skippedBefore = self.tracker.skippedFrames
        switch self.tracker.record(index: index, arrival: now, schedule: schedule) {
        case .matched(let latency, _), .late(let latency):
            self.driver.statistics.framesEchoed += 1
            if self.isSlowConsumer {
                self.driver.statistics.stalledFramesEchoed += 1
            } else {
                self.driver.statistics.recordLatency(nanoseconds: latency)
                self.driver.statistics.gaps += self.tracker.gaps - gapsBefore
                self.driver.statistics.skippedFrames += self.tracker.skippedFrames - skippedBefore
            }
        case .duplicate:
            self.driver.statistics.duplicates += 1
        case .unknown:
            self.driver.statistics.unmatchedMessages += 1
        }
    }

    // MARK: Accounting

    /// Adds this call's final figures to the loop's, once.
    private func account() {
        guard !self.isAccounted else { return }
        self.isAccounted = true
        if self.isUpgraded {
            self.driver.statistics.callsActive -= 1
            let lost = self.tracker.lost(sent: self.framesSent)
            if self.isSlowConsumer {
                self.driver.statistics.stalledFramesLost += lost
            } else {
                self.driver.statistics.framesLost += lost
                self.driver.statistics.outOfOrder += self.tracker.outOfOrder
            }
        }
        self.driver.callFinished()
    }
}

@available(*, unavailable)
extension CallClientHandler: Sendable {}
