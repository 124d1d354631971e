import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Realtime

/// Counts flushes on their way out, to tell one flush per read burst from one per write.
final class FlushCounter: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private(set) var count = 0

    func flush(context: ChannelHandlerContext) {
        self.count += 1
        context.flush()
    }
}

/// One `WebSocketConnectionHandler` on an active `EmbeddedChannel`, built as
/// `WebSocketServerUpgrader.upgrade` builds it, minus the frame codec: tests speak in frames.
final class HandlerHarness {
    static let route = "/v1/test"

    let channel = EmbeddedChannel()
    let metrics = RecordingMetrics()
    let flushes = FlushCounter()

    /// No timers unless a test asks for them, so only what a test does moves the connection.
    static var quietConfiguration: WebSocketEndpointConfiguration {
        var configuration = WebSocketEndpointConfiguration()
        configuration.pingInterval = nil
        configuration.idleTimeout = nil
        return configuration
    }

    /// - Parameter withCodec: also install NIOWebSocket's frame decoder and encoder in front, exactly
    ///   as the upgrader does, so the test speaks raw bytes (see ``sentBytes()``).
    init(
        configuration: WebSocketEndpointConfiguration = HandlerHarness.quietConfiguration,
        session: any WebSocketSession,
        withCodec: Bool = false
    ) throws {
        let handler = WebSocketConnectionHandler(
            request: WebSocketUpgradeRequest(path: Self.route, route: Self.route),
            configuration: configuration,
            session: session,
            metrics: WebSocketRouteMetrics(route: Self.route, factory: self.metrics),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        // The upgrade happens on a connected channel.
        try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).wait()
        if withCodec {
            try self.channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: configuration.maxMessageSize)),
                WebSocketFrameEncoder(),
            ])
        }
        try self.channel.pipeline.syncOperations.addHandlers([self.flushes, handler])
    }

    var loop: EmbeddedEventLoop { self.channel.embeddedEventLoop }
    var isClosed: Bool { !self.channel.isActive }

    /// Each frame as its own read burst (`channelRead` then `channelReadComplete`).
    func receive(_ frames: WebSocketFrame...) throws {
        for frame in frames { try self.channel.writeInbound(frame) }
    }

    /// Frames as one read burst, without the closing `channelReadComplete`.
    func beginBurst(_ frames: WebSocketFrame...) {
        for frame in frames { self.channel.pipeline.syncOperations.fireChannelRead(NIOAny(frame)) }
    }

    func endBurst() {
        self.channel.pipeline.syncOperations.fireChannelReadComplete()
    }

    /// Every frame flushed to the socket since the last call.
    func sent() throws -> [WebSocketFrame] {
        var frames: [WebSocketFrame] = []
        while let frame = try self.channel.readOutbound(as: WebSocketFrame.self) { frames.append(frame) }
        return frames
    }

    /// Every byte flushed to the socket since the last call, in codec mode.
    func sentBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try self.channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
        return bytes
    }

    func advance(by amount: TimeAmount) {
        self.loop.advanceTime(by: amount)
    }

    func setWritable(_ writable: Bool) {
        self.channel.isWritable = writable
        self.channel.pipeline.syncOperations.fireChannelWritabilityChanged()
    }

    /// The value the handler last set for `autoRead`, or `nil` when it never touched it.
    var autoRead: Bool? {
        self.channel.options.last { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool
    }

    func metric(_ label: String, _ dimensions: [(String, String)] = []) -> Double {
        self.metrics.value(label, [("route", Self.route)] + dimensions)
    }

    /// Tears the channel down the way NIO does (close, then remove the handlers) so that a second
    /// `closed` call, if the handler made one, would be seen.
    func finish() throws {
        _ = try self.channel.finish(acceptAlreadyClosed: true)
    }
}

extension WebSocketFrame {
    /// For `#expect`: kind and payload of a frame the server sent, flagged when it is not final or
    /// is masked (a server must send neither).
    var summary: String {
        let flags = (self.fin ? "" : "partial-") + (self.maskKey == nil ? "" : "masked-")
        switch self.opcode {
        case .text: return "\(flags)text(\(self.payloadText))"
        case .binary: return "\(flags)binary(\(self.payloadBytes))"
        case .ping: return "\(flags)ping(\(self.payloadBytes))"
        case .pong: return "\(flags)pong(\(self.payloadText))"
        case .connectionClose: return "\(flags)close(\(self.closeCode.map(String.init) ?? "-"))"
        default: return "\(flags)opcode\(self.opcode)"
        }
    }
}
