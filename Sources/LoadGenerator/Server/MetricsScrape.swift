import NIOCore
import NIOHTTP1
import NIOPosix

/// One plain HTTP/1.1 `GET` of the server's Prometheus text, to report the server's own drop
/// counters next to what the generator saw.
public enum MetricsScrape {
    /// The series reported: queue drops, and connections closed for overflowing a queue.
    public static let reportedMetrics = [
        "switchboard_ws_queue_dropped_total", "switchboard_ws_queue_overflow_closes_total",
    ]

    /// `name{labels}` -> value for every sample line of the ``reportedMetrics``.
    public static func samples(in text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard self.reportedMetrics.contains(where: { line.hasPrefix($0) }),
                let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The body of `GET path`, or an error after 5 seconds.
    static func fetch(
        address: SocketAddress,
        host: String,
        port: Int,
        path: String,
        group: any EventLoopGroup
    ) async throws -> String {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(BodyCollector(promise: promise))
                }
            }
            .connect(to: address)
            .get()
        let timeout = eventLoop.scheduleTask(in: .seconds(5)) {
            promise.fail(LoadGeneratorError.io("GET \(path): no answer within 5 s"))
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects a response body; anything but a 200 fails.
private final class BodyCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<String>
    private var status: HTTPResponseStatus?
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<String>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.status = head.status
        case .body(var part):
            // The metrics page of one server is small; cap it anyway.
            if self.body.readableBytes < 16 << 20 { self.body.writeBuffer(&part) }
        case .end:
            if self.status == .ok {
                self.promise.succeed(String(buffer: self.body))
            } else {
                self.promise.fail(LoadGeneratorError.io("metrics: HTTP \(self.status.map { "\($0.code)" } ?? "?")"))
            }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(LoadGeneratorError.io("metrics: connection closed before the response ended"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.promise.fail(error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension BodyCollector: Sendable {}
