import Core
import CoreMetrics
import Logging
public import NIOCore
public import NIOHTTP1
import NIOWebSocket

/// Plugs ``WebSocketServer`` into NIO's typed HTTP upgrade machinery for one connection.
///
/// It records the outcome so that the HTTP side can answer a refused upgrade with the right status
/// and a problem+json body: NIO only learns that this upgrader declined.
public struct WebSocketServerUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPServerProtocolUpgrader {
    enum Outcome {
        case pending
        case accepted(WebSocketServer.AcceptedUpgrade)
        case rejected(HandshakeRejection)
    }

    public let supportedProtocol = "websocket"
    /// Empty so that NIO hands every `Upgrade: websocket` request to us and we decide (and explain).
    public let requiredUpgradeHeaders: [String] = []
    private let server: WebSocketServer
    private let outcome: NIOLoopBoundBox<Outcome>
    private let upgraded: @Sendable (any Channel) -> UpgradeResult

    init(
        server: WebSocketServer, eventLoop: any EventLoop, upgraded: @escaping @Sendable (any Channel) -> UpgradeResult
    ) {
        self.server = server
        self.outcome = NIOLoopBoundBox(.pending, eventLoop: eventLoop)
        self.upgraded = upgraded
    }

    /// Why the upgrade was refused, once it was; read on the connection's event loop.
    public var rejection: HandshakeRejection? {
        if case .rejected(let rejection) = self.outcome.value { return rejection }
        return nil
    }

    public func buildUpgradeResponse(
        channel: any Channel,
        upgradeRequest: HTTPRequestHead,
        initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        switch self.server.negotiate(upgradeRequest, channel: channel) {
        case .reject(let rejection):
            self.outcome.value = .rejected(rejection)
            self.server.upgradeMetrics.rejected(rejection)
            self.server.logger.debug(
                "WebSocket upgrade refused",
                metadata: [
                    "ws.path": "\(upgradeRequest.uri)", "ws.status": "\(rejection.problem.status)",
                    "ws.reason": "\(rejection.reason)",
                ]
            )
            return channel.eventLoop.makeFailedFuture(rejection)
        case .accept(let accepted, let headers):
            self.outcome.value = .accepted(accepted)
            var responseHeaders = initialResponseHeaders
            responseHeaders.add(contentsOf: headers)
            return channel.eventLoop.makeSucceededFuture(responseHeaders)
        }
    }

    public func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeResult> {
        guard case .accepted(let accepted) = self.outcome.value else {
            return channel.eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)
        }
        self.server.upgradeMetrics.accepted.increment()
        return channel.eventLoop.makeCompletedFuture {
            let configuration = accepted.endpoint.configuration
            if let size = configuration.socketSendBufferSize {
                try channel.syncOptions?.setOption(ChannelOptions.socketOption(.so_sndbuf), value: size)
            }
            if let marks = configuration.writeBufferWaterMark {
                try channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark, value: marks)
            }
            let session = accepted.endpoint.makeSession(for: accepted.request)
            let handler = WebSocketConnectionHandler(
                request: accepted.request,
                configuration: configuration,
                session: session,
                metrics: accepted.metrics,
                logger: self.server.logger
            )
            try channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: configuration.maxMessageSize)),
                WebSocketFrameEncoder(),
                handler,
            ])
            return self.upgraded(channel)
        }
    }
}
