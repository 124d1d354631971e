/// What one `switchboard heartbeats` run does: create agents, create sessions, then heartbeat every
/// session open-loop for a fixed time. Every phase is bounded (``setupTimeoutSeconds``, then
/// ``durationSeconds`` plus one request timeout), whatever the server does.
public struct HeartbeatConfiguration: Sendable, Codable, Equatable {
    /// A loopback address or `localhost`; anything else is refused (see ``LoopbackAddress``).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Sent as `X-API-Key` on every request. Never written to the report.
    public var apiKey: String = ""
    /// Client sessions created, then kept alive by heartbeats.
    public var sessions: Int = 100_000
    /// Agents created first; session `i` belongs to agent `i % agents`.
    public var agents: Int = 100
    /// Seconds between two heartbeats of one session.
    public var intervalSeconds: Double = 5
    /// Seconds of measured heartbeating once every session exists.
    public var durationSeconds: Double = 30
    /// Keep-alive HTTP/1.1 connections; each carries one request at a time (no pipelining).
    public var connections: Int = 128
    /// The server's process id, for its CPU time and resident memory over the heartbeat phase.
    public var serverPID: Int32?
    /// Event loop threads; sessions and connections are split evenly between them.
    public var threads: Int = 1
    /// Sent as each session's `client`.
    public var client: String = "console"
    /// Creation requests in flight at once. They never delay a due heartbeat: heartbeats go first.
    public var setupConcurrency: Int = 64
    /// Agents and sessions must all exist within this many seconds, or the run stops.
    public var setupTimeoutSeconds: Double = 600
    /// From a request's write to the end of its response; past it the connection is closed.
    public var requestTimeoutSeconds: Double = 5
    public var connectTimeoutSeconds: Double = 5
    /// How long a connection that failed or was closed waits before connecting again.
    public var reconnectDelaySeconds: Double = 0.1

    private enum CodingKeys: String, CodingKey {
        // The API key is left out on purpose: reports are shared.
        case host, port, sessions, agents, intervalSeconds, durationSeconds, connections, serverPID, threads
        case client, setupConcurrency, setupTimeoutSeconds, requestTimeoutSeconds, connectTimeoutSeconds
        case reconnectDelaySeconds
    }

    public init() {}

    /// Heartbeats per second the schedule asks for: sessions / interval.
    public var heartbeatsPerSecond: Double { Double(self.sessions) / self.intervalSeconds }

    /// Checks limits and the loopback policy; the first problem is thrown as one line.
    public func validate() throws(LoadGeneratorError) {
        guard LoopbackAddress.isLoopback(self.host) else {
            throw .invalidOption("--host", "\(self.host) is not a loopback address (127.0.0.0/8, localhost or ::1)")
        }
        guard (1...65535).contains(self.port) else { throw .invalidOption("--port", "must be 1...65535") }
        guard !self.apiKey.isEmpty, self.apiKey.utf8.count <= 256,
            self.apiKey.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw .invalidOption("--api-key", "must be 1...256 printable ASCII characters without spaces")
        }
        guard (1...1_000_000).contains(self.sessions) else {
            throw .invalidOption("--sessions", "must be 1...1000000")
        }
        guard (1...1_000_000).contains(self.agents), self.agents <= self.sessions else {
            throw .invalidOption("--agents", "must be 1...1000000 and at most --sessions")
        }
        guard self.intervalSeconds >= 0.01, self.intervalSeconds <= 3600 else {
            throw .invalidOption("--interval", "must be 0.01...3600 seconds")
        }
        guard self.durationSeconds > 0, self.durationSeconds <= 86_400 else {
            throw .invalidOption("--duration", "must be more than 0 and at most 86400 seconds")
        }
        guard (1...10_000).contains(self.connections) else {
            throw .invalidOption("--connections", "must be 1...10000")
        }
        if let serverPID, serverPID <= 0 { throw .invalidOption("--server-pid", "must be a process id") }
        guard (1...256).contains(self.threads), self.threads <= self.connections else {
            throw .invalidOption("--threads", "must be 1...256 and at most --connections")
        }
        guard (1...32).contains(self.client.utf8.count), self.client.utf8.allSatisfy(Self.isClientByte) else {
            throw .invalidOption("client", "must be 1...32 lower-case letters, digits, '.', '_' or '-'")
        }
        guard (1...10_000).contains(self.setupConcurrency) else {
            throw .invalidOption("setup concurrency", "must be 1...10000")
        }
        guard self.setupTimeoutSeconds > 0 else { throw .invalidOption("setup timeout", "must be positive") }
        guard self.requestTimeoutSeconds > 0, self.requestTimeoutSeconds <= 60 else {
            throw .invalidOption("request timeout", "must be more than 0 and at most 60 seconds")
        }
        guard self.connectTimeoutSeconds > 0 else { throw .invalidOption("connect timeout", "must be positive") }
        guard self.reconnectDelaySeconds >= 0.001 else {
            throw .invalidOption("reconnect delay", "must be at least a millisecond")
        }
    }

    /// What the sessions API takes as a client name; none needs escaping in JSON.
    static func isClientByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
            UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }
}
