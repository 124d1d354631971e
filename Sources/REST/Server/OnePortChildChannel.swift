import Core
import HTTPTypes
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
public import NIOHTTPTypes
import NIOHTTPTypesHTTP1
public import Realtime

/// One listening port for both protocols: each new connection starts as HTTP/1.1; a WebSocket
/// upgrade request as its first request goes to ``WebSocketServer`` (our own pipeline), and
/// everything else goes to the Hummingbird responder.
public struct OnePortChildChannel: ServerChildChannel, HTTPChannelHandler {
    /// What the first request of a connection turned it into.
    public enum Negotiated: Sendable {
        /// Plain HTTP: Hummingbird serves it for the rest of the connection.
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// Upgraded: the WebSocket handlers run it on the event loop; nothing async is left to do.
        case webSocket
        /// The upgrade was refused: answer with the reason, then close.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HandshakeRejection)
    }

    public struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        public let channel: any Channel
    }

    public struct Configuration: Sendable {
        /// A connection that has not completed its first request head by then is closed.
        public var handshakeTimeout: TimeAmount
        /// An idle keep-alive HTTP connection is closed after this.
        public var idleTimeout: TimeAmount
        /// Answers heartbeats of known sessions before the router; `nil` leaves them all to it.
        var heartbeats: HeartbeatFastPath? = nil

        /// No defaults here: the values come from ``SwitchboardConfiguration``, which owns them.
        public init(handshakeTimeout: TimeAmount, idleTimeout: TimeAmount) {
            self.handshakeTimeout = handshakeTimeout
            self.idleTimeout = idleTimeout
        }
    }

    public let responder: HTTPChannelHandler.Responder
    private let webSocketServer: WebSocketServer
    private let configuration: Configuration

    public init(
        responder: @escaping HTTPChannelHandler.Responder, webSocketServer: WebSocketServer,
        configuration: Configuration
    ) {
        self.webSocketServer = webSocketServer
        self.configuration = configuration
        self.responder = Self.guardingWebSocketPaths(responder, routes: webSocketServer.routes)
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let upgrader = self.webSocketServer.makeUpgrader(for: channel) { _ in Negotiated.webSocket }
            let idleTimeout = self.configuration.idleTimeout
            let upgradeConfiguration = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(idleTimeout: idleTimeout))
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        if let rejection = upgrader.rejection {
                            return .refused(asyncChannel, rejection)
                        }
                        return .http(asyncChannel)
                    }
                }
            )
            if let heartbeats = self.configuration.heartbeats {
                // Ahead of the decoder, so that a fast heartbeat is neither decoded nor encoded.
                try channel.pipeline.syncOperations.addHandler(HeartbeatFastPathHandler(fastPath: heartbeats))
            }
            var pipelineConfiguration = NIOUpgradableHTTPServerPipelineConfiguration(
                upgradeConfiguration: upgradeConfiguration)
            pipelineConfiguration.enablePipelining = false  // NIOAsyncChannel serialises requests
            pipelineConfiguration.enableErrorHandling = false  // Hummingbird answers parse errors with 400
            pipelineConfiguration.enableResponseHeaderValidation = false  // HTTPTypes validates already
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: pipelineConfiguration
            )
            // Slowloris defence: the first request head must arrive in time, upgrade or not. After it,
            // the WebSocket keepalive or the HTTP idle timeout takes over.
            let timeout = channel.eventLoop.scheduleTask(in: self.configuration.handshakeTimeout) {
                channel.close(promise: nil)
            }
            negotiated.whenComplete { _ in timeout.cancel() }
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let asyncChannel):
                await self.handleHTTP(asyncChannel: asyncChannel, logger: logger)
            case .webSocket:
                return
            case .refused(let asyncChannel, let rejection):
                try await Self.writeRefusal(rejection, to: asyncChannel)
            }
        } catch {
            logger.debug("Connection ended before its first request was handled", metadata: ["error.type": "\(error)"])
        }
    }

    private static func writeRefusal(
        _ rejection: HandshakeRejection, to asyncChannel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
    ) async throws {
        var headers: HTTPFields = [.connection: "close"]
        for header in rejection.headers {
            if let name = HTTPField.Name(header.name) {
                headers.append(HTTPField(name: name, value: header.value))
            }
        }
        let (head, body) = rejection.problem.httpResponse(headers: headers)
        try await asyncChannel.executeThenClose { _, outbound in
            try await outbound.write(contentsOf: [.head(head), .body(body), .end(nil)])
        }
    }

    /// Plain requests to a WebSocket path get 426 with `Upgrade: websocket`. An upgrade that is not
    /// the first request of its connection (NIO upgrades only the first) is redirected to the same
    /// URL with `Connection: close`, so the client retries on a fresh connection.
    private static func guardingWebSocketPaths(
        _ responder: @escaping HTTPChannelHandler.Responder,
        routes: WebSocketRoutes
    ) -> HTTPChannelHandler.Responder {
        struct CloseAfterRedirect: Error {}
        return { request, responseWriter, channel in
            guard routes.contains(path: request.uri.path) else {
                try await responder(request, responseWriter, channel)
                return
            }
            if request.headers[.upgrade]?.lowercased() == "websocket" {
                let response = HTTPResponse(
                    status: .temporaryRedirect,
                    headerFields: [.connection: "close", .location: request.uri.description, .contentLength: "0"]
                )
                try await responseWriter.writeResponse(response)
                throw CloseAfterRedirect()
            }
            let problem = ProblemDetails(
                status: 426,
                title: "Upgrade Required",
                detail: "\(request.uri.path) is a WebSocket endpoint: send a GET with Upgrade: websocket"
            )
            let (head, body) = problem.httpResponse(headers: [.upgrade: "websocket", .connection: "Upgrade"])
            var bodyWriter = try await responseWriter.writeHead(head)
            try await bodyWriter.write(body)
            try await bodyWriter.finish(nil)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with WebSocket upgrades to `webSocketServer`, on one port.
    public static func onePort(webSocketServer: WebSocketServer, configuration: OnePortChildChannel.Configuration)
        -> HTTPServerBuilder
    {
        .init { responder in
            OnePortChildChannel(responder: responder, webSocketServer: webSocketServer, configuration: configuration)
        }
    }
}
