public import Logging

/// Everything `switchboard serve` needs to start, validated. Every field has a safe default, so an
/// empty environment starts a working server on 127.0.0.1:8080 with its data under `./data`.
public struct SwitchboardConfiguration: Sendable {
    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    /// `HOST`: the address to listen on.
    public var host: String = "127.0.0.1"
    /// `PORT`: the port to listen on; 0 picks a free one (tests).
    public var port: Int = 8080
    /// `PUBLIC_URL`: the `https://` or `wss://` base the outside world uses to reach this server,
    /// when a TLS-terminating proxy stands in front (provider signatures are computed over it).
    public var publicURL: String?
    /// `DATA_DIR`: where the embedded database and generated files live.
    public var dataDirectory: String = "./data"
    /// `LOG_LEVEL`.
    public var logLevel: Logger.Level = .info
    /// `LOG_FORMAT`.
    public var logFormat: LogFormat = .text
    /// `DRAIN_TIMEOUT`: the longest a graceful shutdown may take before remaining work is cancelled.
    public var drainTimeout: Duration = .seconds(10)
    /// `ALLOWED_ORIGINS`: browser origins allowed on browser-facing endpoints; empty allows any.
    public var allowedOrigins: [String] = []
    /// `HANDSHAKE_TIMEOUT`: how long a new connection may take to send its first request head.
    public var handshakeTimeout: Duration = .seconds(10)
    /// `HTTP_IDLE_TIMEOUT`: how long an idle keep-alive HTTP connection is kept open.
    public var httpIdleTimeout: Duration = .seconds(60)
    /// `WS_MAX_CONNECTIONS`: WebSocket connections allowed per endpoint; over it, upgrades get 503.
    public var webSocketMaxConnections: Int = 10_000
    /// `WS_PING_INTERVAL`: how long a WebSocket may be silent before the server pings it.
    public var webSocketPingInterval: Duration = .seconds(20)
    /// `WS_PONG_TIMEOUT`: how long the server waits for the pong before dropping the connection.
    public var webSocketPongTimeout: Duration = .seconds(10)
    /// `WS_IDLE_TIMEOUT`: how long a WebSocket may go without a data message before it is closed.
    public var webSocketIdleTimeout: Duration = .seconds(300)
    /// `WS_CLOSE_TIMEOUT`: how long the server waits for the peer's close frame after sending its own.
    public var webSocketCloseTimeout: Duration = .seconds(5)

    /// `TWILIO_AUTH_TOKEN`: when set, media stream upgrades must carry a valid `X-Twilio-Signature`.
    public var twilioAuthToken: String?
    /// `RECORDINGS_DIR`: where the `monitor` app writes call recordings; `nil` = `DATA_DIR/recordings`.
    public var recordingsDirectory: String?
    /// `PROMPTS_DIR`: WAV prompts the `playback` app may play by name; `nil` = `DATA_DIR/prompts`.
    public var promptsDirectory: String?
    /// `MEDIA_DEFAULT_APP`: the call app for streams whose `start.customParameters` name none.
    public var mediaDefaultApp: String = "echo"
    /// `MEDIA_RECEIVE_QUEUE`: inbound frames held per stream while its app is busy (500 = 10 s).
    public var mediaReceiveQueue: Int = 500
    /// `MEDIA_SEND_QUEUE`: outbound frames held per stream while the socket is busy (600 = 12 s).
    public var mediaSendQueue: Int = 600
    /// `MEDIA_START_TIMEOUT`: how long a media stream may take to send `start`.
    public var mediaStartTimeout: Duration = .seconds(5)

    /// `DATABASE_URL`: a `postgres://` URL; unset = the embedded SQLite file `DATA_DIR/switchboard.sqlite`.
    public var databaseURL: String?
    /// `DATABASE_POOL_SIZE`: database connections (and storage threads) per instance.
    public var databasePoolSize: Int = 8
    /// `API_KEYS`: `key:role` pairs (role `admin` or `agent`); empty = a generated admin key kept in
    /// `DATA_DIR`.
    public var apiKeys: [APIKeyGrant] = []
    /// `RATE_LIMIT`: requests per minute each API key may make; 0 turns the limit off.
    public var rateLimitPerMinute: Int = 1200
    /// `REDIS_URL`: `redis://[[user]:password@]host[:port][/db]`, where sessions (and later the
    /// bus) are shared by every instance; unset = in this process only. Parsed in full by the Redis
    /// adapter at start-up.
    public var redisURL: String?
    /// `HEARTBEAT_INTERVAL`, `HEARTBEAT_TIMEOUT`, `SESSION_TTL`, `HEARTBEAT_COALESCE_WINDOW`,
    /// `PRESENCE_GRACE`: the session timing rules.
    public var sessionPolicy = SessionPolicy()

    /// The call apps `MEDIA_DEFAULT_APP` may name.
    public static let mediaApps = ["echo", "monitor", "playback"]

    /// `RECORDINGS_DIR`, or its default under the data directory.
    public var effectiveRecordingsDirectory: String { self.recordingsDirectory ?? self.dataDirectory + "/recordings" }
    /// `PROMPTS_DIR`, or its default under the data directory.
    public var effectivePromptsDirectory: String { self.promptsDirectory ?? self.dataDirectory + "/prompts" }

    public init() {}

    /// The variables this configuration reads, in the order the README documents them.
    public static let variables: [String] = [
        "HOST", "PORT", "PUBLIC_URL", "DATA_DIR", "LOG_LEVEL", "LOG_FORMAT", "DRAIN_TIMEOUT", "ALLOWED_ORIGINS",
        "HANDSHAKE_TIMEOUT", "HTTP_IDLE_TIMEOUT", "WS_MAX_CONNECTIONS", "WS_PING_INTERVAL", "WS_PONG_TIMEOUT",
        "WS_IDLE_TIMEOUT", "WS_CLOSE_TIMEOUT", "TWILIO_AUTH_TOKEN", "RECORDINGS_DIR", "PROMPTS_DIR",
        "MEDIA_DEFAULT_APP", "MEDIA_RECEIVE_QUEUE", "MEDIA_SEND_QUEUE", "MEDIA_START_TIMEOUT", "DATABASE_URL",
        "DATABASE_POOL_SIZE", "API_KEYS", "RATE_LIMIT", "REDIS_URL", "HEARTBEAT_INTERVAL", "HEARTBEAT_TIMEOUT",
        "SESSION_TTL", "HEARTBEAT_COALESCE_WINDOW", "PRESENCE_GRACE",
    ]

    /// Reads and validates every setting; the first bad one throws.
    public init(from source: ConfigurationSource) throws(ConfigurationError) {
        let defaults = SwitchboardConfiguration()
        self.host = try source.value("HOST", default: defaults.host, expected: "an IP address or host name") {
            let host = $0.trimmingSpaces()
            return !host.isEmpty && host.allSatisfy { $0.isLetter || $0.isNumber || ".-:_".contains($0) } ? host : nil
        }
        self.port = try source.integer("PORT", default: defaults.port, in: 0...65_535)
        self.publicURL = try source.value(
            "PUBLIC_URL", default: nil, expected: "an absolute https://, wss://, http:// or ws:// URL"
        ) {
            PublicURL.normalise($0.trimmingSpaces())
        }
        self.dataDirectory = try source.value("DATA_DIR", default: defaults.dataDirectory, expected: "a directory path")
        {
            Self.directoryPath($0)
        }
        self.logLevel = try source.choice(
            "LOG_LEVEL",
            default: defaults.logLevel,
            choices: Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ($0.rawValue, $0) })
        )
        self.logFormat = try source.choice(
            "LOG_FORMAT",
            default: defaults.logFormat,
            choices: Dictionary(uniqueKeysWithValues: LogFormat.allCases.map { ($0.rawValue, $0) })
        )
        self.drainTimeout = try source.seconds("DRAIN_TIMEOUT", default: defaults.drainTimeout, in: 0.1...600)
        self.allowedOrigins = try source.list(
            "ALLOWED_ORIGINS",
            expected: "a comma-separated list of origins such as https://console.example.com"
        ) { Origin.isValid($0) }
        .map(Origin.normalise)
        self.handshakeTimeout = try source.seconds(
            "HANDSHAKE_TIMEOUT", default: defaults.handshakeTimeout, in: 0.1...300)
        self.httpIdleTimeout = try source.seconds("HTTP_IDLE_TIMEOUT", default: defaults.httpIdleTimeout, in: 1...3600)
        self.webSocketMaxConnections = try source.integer(
            "WS_MAX_CONNECTIONS", default: defaults.webSocketMaxConnections, in: 1...1_000_000)
        self.webSocketPingInterval = try source.seconds(
            "WS_PING_INTERVAL", default: defaults.webSocketPingInterval, in: 0.1...3600)
        self.webSocketPongTimeout = try source.seconds(
            "WS_PONG_TIMEOUT", default: defaults.webSocketPongTimeout, in: 0.1...600)
        self.webSocketIdleTimeout = try source.seconds(
            "WS_IDLE_TIMEOUT", default: defaults.webSocketIdleTimeout, in: 1...86_400)
        self.webSocketCloseTimeout = try source.seconds(
            "WS_CLOSE_TIMEOUT", default: defaults.webSocketCloseTimeout, in: 0.1...60)
        self.twilioAuthToken = try source.value(
            "TWILIO_AUTH_TOKEN", default: nil, expected: "the account's auth token (printable, no spaces)", secret: true
        ) {
            let token = $0.trimmingSpaces()
            return !token.isEmpty && token.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
                ? token : nil
        }
        self.recordingsDirectory = try source.value("RECORDINGS_DIR", default: nil, expected: "a directory path") {
            Self.directoryPath($0)
        }
        self.promptsDirectory = try source.value("PROMPTS_DIR", default: nil, expected: "a directory path") {
            Self.directoryPath($0)
        }
        self.mediaDefaultApp = try source.choice(
            "MEDIA_DEFAULT_APP",
            default: defaults.mediaDefaultApp,
            choices: Dictionary(uniqueKeysWithValues: Self.mediaApps.map { ($0, $0) })
        )
        self.mediaReceiveQueue = try source.integer(
            "MEDIA_RECEIVE_QUEUE", default: defaults.mediaReceiveQueue, in: 1...100_000)
        self.mediaSendQueue = try source.integer("MEDIA_SEND_QUEUE", default: defaults.mediaSendQueue, in: 1...100_000)
        self.mediaStartTimeout = try source.seconds(
            "MEDIA_START_TIMEOUT", default: defaults.mediaStartTimeout, in: 0.1...120)
        self.databaseURL = try source.value(
            "DATABASE_URL", default: nil, expected: "a postgres:// or postgresql:// URL", secret: true
        ) {
            let url = $0.trimmingSpaces()
            return (url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) && !url.contains("\0") ? url : nil
        }
        self.databasePoolSize = try source.integer(
            "DATABASE_POOL_SIZE", default: defaults.databasePoolSize, in: 1...64)
        self.apiKeys = try source.value(
            "API_KEYS",
            default: [],
            expected: "a comma-separated list of key:role with role admin or agent (printable keys)",
            secret: true
        ) { raw in
            let items = raw.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
            let grants = items.compactMap(APIKeyGrant.init(parsing:))
            return grants.count == items.count && !grants.isEmpty ? grants : nil
        }
        self.rateLimitPerMinute = try source.integer(
            "RATE_LIMIT", default: defaults.rateLimitPerMinute, in: 0...10_000_000)
        self.redisURL = try source.value(
            "REDIS_URL", default: nil, expected: "a redis:// URL: redis://[[user]:password@]host[:port][/db]",
            secret: true
        ) {
            let url = $0.trimmingSpaces()
            return url.hasPrefix("redis://") && url.count > "redis://".count && !url.contains("\0") ? url : nil
        }
        self.sessionPolicy = try Self.sessionPolicy(from: source, defaults: defaults.sessionPolicy)
    }

    private static func sessionPolicy(from source: ConfigurationSource, defaults: SessionPolicy)
        throws(ConfigurationError) -> SessionPolicy
    {
        var policy = SessionPolicy()
        policy.heartbeatInterval = try source.seconds(
            "HEARTBEAT_INTERVAL", default: defaults.heartbeatInterval, in: 0.1...600)
        policy.heartbeatTimeout = try source.seconds(
            "HEARTBEAT_TIMEOUT", default: defaults.heartbeatTimeout, in: 0.2...3600)
        guard policy.heartbeatTimeout > policy.heartbeatInterval else {
            throw ConfigurationError(
                variable: "HEARTBEAT_TIMEOUT", value: source.raw("HEARTBEAT_TIMEOUT") ?? "10",
                expected: "more seconds than HEARTBEAT_INTERVAL")
        }
        policy.ttl = try source.seconds("SESSION_TTL", default: defaults.ttl, in: 60...86_400 * 7)
        guard policy.ttl > policy.heartbeatTimeout else {
            throw ConfigurationError(
                variable: "SESSION_TTL", value: source.raw("SESSION_TTL") ?? "3600",
                expected: "more seconds than HEARTBEAT_TIMEOUT")
        }
        policy.coalescingWindow = try source.seconds(
            "HEARTBEAT_COALESCE_WINDOW", default: defaults.coalescingWindow, in: 0.001...5)
        policy.presenceGrace = try source.seconds("PRESENCE_GRACE", default: defaults.presenceGrace, in: 0...600)
        return policy
    }

    private static func directoryPath(_ raw: String) -> String? {
        let path = raw.trimmingSpaces()
        return path.isEmpty || path.contains("\0") ? nil : path
    }
}
