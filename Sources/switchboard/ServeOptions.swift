import ArgumentParser
import Core
import Foundation

/// The command-line twins of the environment variables. A flag wins over its variable; both go
/// through the same parser in ``SwitchboardConfiguration``.
struct ServeOptions: ParsableArguments {
    @Option(help: "Address to listen on (HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on; 0 picks a free one (PORT, default 8080).") var port: String?
    @Option(help: "Public base URL behind a TLS-terminating proxy (PUBLIC_URL).") var publicUrl: String?
    @Option(help: "Directory for the embedded database and generated files (DATA_DIR, default ./data).") var dataDir:
        String?
    @Option(help: "trace, debug, info, notice, warning, error or critical (LOG_LEVEL, default info).") var logLevel:
        String?
    @Option(help: "text or json (LOG_FORMAT, default text).") var logFormat: String?
    @Option(help: "Seconds a graceful shutdown may take (DRAIN_TIMEOUT, default 10).") var drainTimeout: String?
    @Option(help: "Comma-separated browser origins allowed on browser endpoints (ALLOWED_ORIGINS).") var allowedOrigins:
        String?
    @Option(help: "Seconds a new connection has to send its first request (HANDSHAKE_TIMEOUT, default 10).")
    var handshakeTimeout: String?
    @Option(help: "Seconds an idle keep-alive HTTP connection stays open (HTTP_IDLE_TIMEOUT, default 60).")
    var httpIdleTimeout: String?
    @Option(help: "WebSocket connections per endpoint (WS_MAX_CONNECTIONS, default 10000).") var wsMaxConnections:
        String?
    @Option(help: "Seconds of silence before the server pings a WebSocket (WS_PING_INTERVAL, default 20).")
    var wsPingInterval: String?
    @Option(help: "Seconds to wait for a pong (WS_PONG_TIMEOUT, default 10).") var wsPongTimeout: String?
    @Option(help: "Seconds without a message before a WebSocket is closed (WS_IDLE_TIMEOUT, default 300).")
    var wsIdleTimeout: String?
    @Option(help: "Seconds to wait for the peer's close frame (WS_CLOSE_TIMEOUT, default 5).") var wsCloseTimeout:
        String?

    @Option(help: "Auth token; media upgrades then need a valid X-Twilio-Signature (TWILIO_AUTH_TOKEN).")
    var twilioAuthToken: String?
    @Option(help: "Directory for call recordings (RECORDINGS_DIR, default DATA_DIR/recordings).") var recordingsDir:
        String?
    @Option(help: "Directory of WAV prompts for the playback app (PROMPTS_DIR, default DATA_DIR/prompts).")
    var promptsDir: String?
    @Option(help: "echo, monitor or playback: the app for streams that name none (MEDIA_DEFAULT_APP, default echo).")
    var mediaDefaultApp: String?
    @Option(help: "Inbound frames held per stream while its app is busy (MEDIA_RECEIVE_QUEUE, default 500).")
    var mediaReceiveQueue: String?
    @Option(help: "Outbound frames held per stream while the socket is busy (MEDIA_SEND_QUEUE, default 600).")
    var mediaSendQueue: String?
    @Option(help: "Seconds a media stream has to send its start event (MEDIA_START_TIMEOUT, default 5).")
    var mediaStartTimeout: String?
    @Option(help: "postgres:// URL; unset = the SQLite file DATA_DIR/switchboard.sqlite (DATABASE_URL).")
    var databaseUrl: String?
    @Option(help: "Database connections per instance (DATABASE_POOL_SIZE, default 8).") var databasePoolSize: String?
    @Option(help: "Comma-separated key:role pairs, role admin or agent (API_KEYS; unset = a generated admin key).")
    var apiKeys: String?
    @Option(help: "Requests per minute per API key; 0 = no limit (RATE_LIMIT, default 1200).") var rateLimit: String?
    @Option(
        help: "redis://[[user]:password@]host[:port][/db] shared by every instance; unset = in-process (REDIS_URL).")
    var redisUrl: String?
    @Option(help: "Seconds between client heartbeats (HEARTBEAT_INTERVAL, default 5).") var heartbeatInterval: String?
    @Option(help: "Seconds of silence before a session expires (HEARTBEAT_TIMEOUT, default 10).")
    var heartbeatTimeout: String?
    @Option(help: "Seconds a session is kept after its last heartbeat (SESSION_TTL, default 3600).") var sessionTtl:
        String?
    @Option(help: "Seconds over which heartbeats are batched into one write (HEARTBEAT_COALESCE_WINDOW, default 0.25).")
    var heartbeatCoalesceWindow: String?
    @Option(help: "Seconds an agent keeps its presence after ending its last session (PRESENCE_GRACE, default 5).")
    var presenceGrace: String?

    /// The flags that were given, keyed by their environment variable.
    var flags: [String: String] {
        let pairs: [(String, String?)] = [
            ("HOST", self.host), ("PORT", self.port), ("PUBLIC_URL", self.publicUrl), ("DATA_DIR", self.dataDir),
            ("LOG_LEVEL", self.logLevel), ("LOG_FORMAT", self.logFormat), ("DRAIN_TIMEOUT", self.drainTimeout),
            ("ALLOWED_ORIGINS", self.allowedOrigins), ("HANDSHAKE_TIMEOUT", self.handshakeTimeout),
            ("HTTP_IDLE_TIMEOUT", self.httpIdleTimeout), ("WS_MAX_CONNECTIONS", self.wsMaxConnections),
            ("WS_PING_INTERVAL", self.wsPingInterval), ("WS_PONG_TIMEOUT", self.wsPongTimeout),
            ("WS_IDLE_TIMEOUT", self.wsIdleTimeout), ("WS_CLOSE_TIMEOUT", self.wsCloseTimeout),
            ("TWILIO_AUTH_TOKEN", self.twilioAuthToken), ("RECORDINGS_DIR", self.recordingsDir),
            ("PROMPTS_DIR", self.promptsDir), ("MEDIA_DEFAULT_APP", self.mediaDefaultApp),
            ("MEDIA_RECEIVE_QUEUE", self.mediaReceiveQueue), ("MEDIA_SEND_QUEUE", self.mediaSendQueue),
            ("MEDIA_START_TIMEOUT", self.mediaStartTimeout), ("DATABASE_URL", self.databaseUrl),
            ("DATABASE_POOL_SIZE", self.databasePoolSize), ("API_KEYS", self.apiKeys), ("RATE_LIMIT", self.rateLimit),
            ("REDIS_URL", self.redisUrl), ("HEARTBEAT_INTERVAL", self.heartbeatInterval),
            ("HEARTBEAT_TIMEOUT", self.heartbeatTimeout), ("SESSION_TTL", self.sessionTtl),
            ("HEARTBEAT_COALESCE_WINDOW", self.heartbeatCoalesceWindow), ("PRESENCE_GRACE", self.presenceGrace),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { name, value in value.map { (name, $0) } })
    }
}

extension ServeOptions {
    /// The validated configuration, with `DATA_DIR` created. A bad value prints one line naming the
    /// variable and what is allowed (no usage dump, no stack) and exits 64.
    func configuration() throws -> SwitchboardConfiguration {
        do {
            let configuration = try SwitchboardConfiguration(
                from: ConfigurationSource(environment: ProcessInfo.processInfo.environment, flags: self.flags))
            try Self.prepareDataDirectory(configuration.dataDirectory)
            return configuration
        } catch {
            FileHandle.standardError.write(Data("switchboard: \(error)\n".utf8))
            throw ExitCode(64)
        }
    }

    /// Creates `DATA_DIR` when missing; a path that cannot be created stops start-up with one line.
    static func prepareDataDirectory(_ path: String) throws(ConfigurationError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(
                variable: "DATA_DIR", value: path, expected: "a directory that can be created and written")
        }
    }
}
