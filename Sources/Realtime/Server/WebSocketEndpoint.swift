public import Core
public import NIOCore

/// Which browser origins may open an endpoint.
public enum OriginPolicy: Sendable, Hashable {
    /// Any origin, and requests with none (telephony providers and other servers send none).
    case any
    /// Only these origins (normalised by ``Origin/normalise(_:)``); requests without an `Origin`
    /// header come from non-browser clients and are allowed.
    case only(Set<String>)

    func allows(_ origin: String?) -> Bool {
        switch self {
        case .any: return true
        case .only(let allowed):
            guard let origin else { return true }
            return allowed.contains(Origin.normalise(origin))
        }
    }

    /// `ALLOWED_ORIGINS` as a policy: empty means any.
    public init(allowedOrigins: [String]) {
        self = allowedOrigins.isEmpty ? .any : .only(Set(allowedOrigins.map(Origin.normalise)))
    }
}

/// The limits of one WebSocket endpoint. Defaults suit a general-purpose endpoint; each endpoint
/// tightens them to its traffic.
public struct WebSocketEndpointConfiguration: Sendable {
    /// Largest message, after reassembly of fragments; larger gets close 1009.
    public var maxMessageSize: Int = 1 << 20
    /// Concurrent connections; over it the upgrade gets 503.
    public var maxConnections: Int = 10_000
    /// Ping a peer silent this long; `nil` never pings.
    public var pingInterval: TimeAmount? = .seconds(20)
    /// Drop a peer that does not answer a ping within this time.
    public var pongTimeout: TimeAmount = .seconds(10)
    /// Close (1000) a connection with no data message in this time; `nil` never does.
    public var idleTimeout: TimeAmount? = .seconds(300)
    /// After sending a close frame, wait this long for the peer's before closing TCP.
    public var closeTimeout: TimeAmount = .seconds(5)
    /// Browser origins allowed to connect.
    public var allowedOrigins: OriginPolicy = .any
    /// Messages received but not yet taken by the session (used while it pauses receiving).
    public var inboundQueue = BoundedQueueConfiguration(capacity: 64, policy: .close)
    /// Messages the session sent that the socket could not take yet.
    public var outboundQueue = BoundedQueueConfiguration(capacity: 64, policy: .close)
    /// Close code when a queue with the ``OverflowPolicy/close`` policy overflows.
    public var overflowCloseCode: WebSocketCloseCode = .policyViolation
    /// Stop reading the socket while the outbound queue holds anything: TCP backpressure for
    /// request/response endpoints. Media endpoints leave it off and drop audio instead.
    public var pausesReadingWhileOutboundQueued = false
    /// `SO_SNDBUF` for the upgraded socket; `nil` keeps the kernel's autotuning (up to 4 MiB on
    /// Linux). Real-time endpoints cap it: audio parked in a kernel buffer is audio the send
    /// queue's drop-oldest policy can no longer drop, and it plays late.
    public var socketSendBufferSize: Int?
    /// NIO's pending-write limits: above `high` bytes the channel reports unwritable and messages
    /// wait in the outbound queue, under its policy. `nil` keeps NIO's 32/64 KiB.
    public var writeBufferWaterMark: ChannelOptions.Types.WriteBufferWaterMark?

    public init() {}
}

/// One WebSocket endpoint: its limits, its admission check, and the session it runs per connection.
/// Adding an endpoint is adding a type that conforms to this and one line in the route table.
public protocol WebSocketEndpoint: Sendable {
    var configuration: WebSocketEndpointConfiguration { get }

    /// Endpoint-specific admission (signatures, tokens) on the upgrade request; `nil` accepts.
    /// Runs on the connection's event loop before the 101 response, so it must not block.
    func authorize(_ request: WebSocketUpgradeRequest) -> HandshakeRejection?

    /// Creates the per-connection session, on the connection's event loop.
    func makeSession(for request: WebSocketUpgradeRequest) -> any WebSocketSession
}

extension WebSocketEndpoint {
    public func authorize(_ request: WebSocketUpgradeRequest) -> HandshakeRejection? { nil }
}
