public import Core
public import CoreMetrics
public import Media
public import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// `/v1/media`: telephony providers stream call audio here (Twilio Media Streams, bidirectional)
/// and the call app chosen by `start.customParameters.app` answers.
public struct MediaEndpoint: WebSocketEndpoint {
    public var configuration: WebSocketEndpointConfiguration
    let media: MediaEndpointConfiguration
    let metrics: MediaMetrics

    public init(
        configuration: WebSocketEndpointConfiguration = MediaEndpoint.defaultConfiguration,
        media: MediaEndpointConfiguration,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        var configuration = configuration
        configuration.outboundQueue = BoundedQueueConfiguration(capacity: media.sendQueueCapacity, policy: .dropOldest)
        self.configuration = configuration
        self.media = media
        self.metrics = MediaMetrics(factory: metricsFactory)
    }

    /// 64 KiB messages (a media message is ~400 bytes); any origin, since providers send none; the
    /// socket is always read, so a slow app or reader drops audio instead of stalling the provider;
    /// a small kernel send buffer, so stale audio is dropped here rather than played late.
    public static var defaultConfiguration: WebSocketEndpointConfiguration {
        var configuration = WebSocketEndpointConfiguration()
        configuration.maxMessageSize = 64 << 10
        configuration.allowedOrigins = .any
        configuration.pausesReadingWhileOutboundQueued = false
        // ~100 frames (2 s) of echoed audio; past that the send queue takes over and drops the oldest.
        configuration.socketSendBufferSize = 32 << 10
        // Likewise NIO's own pending writes: past 16 KiB (~50 frames) the send queue decides.
        configuration.writeBufferWaterMark = .init(low: 8 << 10, high: 16 << 10)
        return configuration
    }

    public func authorize(_ request: WebSocketUpgradeRequest) -> HandshakeRejection? {
        guard let validator = self.media.signatureValidator else { return nil }
        guard request.headers.contains(name: "x-twilio-signature") else {
            self.metrics.signatureRejected.increment()
            return .forbidden("missing X-Twilio-Signature")
        }
        guard validator.isValid(path: request.path, query: request.query, headers: request.headers) else {
            self.metrics.signatureRejected.increment()
            return .forbidden("X-Twilio-Signature does not match")
        }
        return nil
    }

    public func makeSession(for request: WebSocketUpgradeRequest) -> any WebSocketSession {
        MediaSession(configuration: self.media, metrics: self.metrics)
    }
}

/// What `/v1/media` needs beyond WebSocket limits.
public struct MediaEndpointConfiguration: Sendable {
    /// The call apps, by name, and the default one.
    public var apps: CallAppCatalog
    /// Where `call.started`, `call.updated` and `call.ended` go.
    public var eventBus: any EventBus
    /// Decoded inbound events held while the app pauses receiving: 500 frames = 10 s of audio.
    public var receiveQueueCapacity = 500
    /// Outbound messages the socket could not take yet: 600 frames = 12 s of audio. The endpoint
    /// makes the connection's outbound queue this size, with the drop-oldest policy.
    public var sendQueueCapacity = 600
    /// A stream that has not sent `start` by then is closed (1008).
    public var startTimeout: TimeAmount = .seconds(5)
    /// Set when `TWILIO_AUTH_TOKEN` is configured: upgrades without a valid signature get 403.
    public var signatureValidator: TwilioSignatureValidator?
    /// The wall clock for event timestamps (milliseconds since the Unix epoch); injected by tests.
    public var wallClock: @Sendable () -> Int64

    public init(
        apps: CallAppCatalog,
        eventBus: any EventBus,
        wallClock: @escaping @Sendable () -> Int64 = MediaEndpointConfiguration.systemMilliseconds
    ) {
        self.apps = apps
        self.eventBus = eventBus
        self.wallClock = wallClock
    }

    /// Milliseconds since the Unix epoch, from `CLOCK_REALTIME`.
    @Sendable
    public static func systemMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
