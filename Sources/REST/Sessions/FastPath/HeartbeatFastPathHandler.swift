import NIOCore

/// First in an HTTP connection's pipeline, ahead of NIO's HTTP/1 decoder: answers heartbeats of
/// known sessions straight from the bytes read (``HeartbeatFastPath``), and gives every other
/// request to the decoder whole and in order (``HTTPRequestFramer``).
///
/// A heartbeat is answered here only when ``HTTPConnectionHandler``, behind the decoder, says the
/// connection is idle: no routed response is owed (a fast answer must not overtake one on a
/// pipelined connection), and the decoder read every head given to it. Its answer goes straight
/// to the socket, past the encoder, which keeps no state between responses. The first request of
/// a connection always goes to the decoder, because NIO's upgrade negotiation must see it; the
/// connection handler is added only then. Once the framer passes everything through (an upgrade,
/// a head it cannot frame), this handler leaves the pipeline.
final class HeartbeatFastPathHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let fastPath: HeartbeatFastPath
    private var framer = HTTPRequestFramer()
    private var connection: HTTPConnectionHandler?
    private var headsGiven = 0
    /// Whether the decoder was given bytes since the last read completed: if not, the handlers
    /// behind it have nothing to complete, and the read-complete event is not passed on.
    private var gaveBytes = false
    private var knownKey: KnownKey?

    init(fastPath: HeartbeatFastPath) {
        self.fastPath = fastPath
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.framer.read(self.unwrapInboundIn(data))
        let now = NIODeadline.now()
        var answered = false
        while true {
            switch self.framer.next() {
            case .needMoreBytes:
                if answered { context.flush() }
                if self.framer.isPassingThrough {
                    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                }
                return
            case .forward(let bytes):
                self.gaveBytes = true
                context.fireChannelRead(self.wrapInboundOut(bytes))
            case .head(let head):
                if let response = self.answer(head, context: context) {
                    context.write(self.wrapOutboundOut(response), promise: nil)
                    self.connection?.answeredAhead(now: now)
                    self.fastPath.answered(since: now)
                    answered = true
                } else {
                    self.headsGiven += 1
                    self.gaveBytes = true
                    context.fireChannelRead(self.wrapInboundOut(head.bytes))
                }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard self.gaveBytes else { return }
        self.gaveBytes = false
        context.fireChannelReadComplete()
    }

    /// The 204 for `head`, or `nil` to give it to the decoder.
    private func answer(_ head: HTTPRequestHeadBytes, context: ChannelHandlerContext) -> ByteBuffer? {
        guard self.connectionIsIdle(context: context),
            let candidate = self.fastPath.candidate(head, knownKey: &self.knownKey)
        else { return nil }
        return self.fastPath.answer(candidate, allocator: context.channel.allocator)
    }

    private func connectionIsIdle(context: ChannelHandlerContext) -> Bool {
        if self.connection == nil {
            // Added when the first request turned out not to be an upgrade.
            self.connection = try? context.pipeline.syncOperations.handler(type: HTTPConnectionHandler.self)
        }
        return self.connection?.isIdle(headsGiven: self.headsGiven) ?? false
    }
}
