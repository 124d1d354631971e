import Core

/// `/v1/echo`: sends every message back as it came, text or binary. The RFC 6455 conformance suite
/// and the smoke test run against it.
public struct EchoEndpoint: WebSocketEndpoint {
    public var configuration: WebSocketEndpointConfiguration

    public init(configuration: WebSocketEndpointConfiguration = EchoEndpoint.defaultConfiguration) {
        self.configuration = configuration
    }

    /// 1 MiB messages; a peer that stops reading is slowed down through TCP, not dropped.
    public static var defaultConfiguration: WebSocketEndpointConfiguration {
        var configuration = WebSocketEndpointConfiguration()
        configuration.maxMessageSize = 1 << 20
        configuration.outboundQueue = .init(capacity: 1024, policy: .close)
        configuration.pausesReadingWhileOutboundQueued = true
        return configuration
    }

    public func makeSession(for request: WebSocketUpgradeRequest) -> any WebSocketSession {
        EchoSession()
    }
}

final class EchoSession: WebSocketSession {
    func received(_ message: WebSocketMessage, on connection: WebSocketConnection) {
        connection.send(message)
    }
}
