import Foundation

/// The summary of one heartbeat run, written as one JSON object at the end.
public struct HeartbeatReport: Codable, Sendable {
    /// One creation step (agents, or sessions).
    public struct Setup: Codable, Sendable, Equatable {
        public var requested: Int
        public var created: Int
        public var seconds: Double
        public var perSecond: Double
    }

    /// The heartbeats of one part of the run.
    public struct Beats: Codable, Sendable, Equatable {
        public var sent: Int
        public var acknowledged: Int
        /// Answers other than 204, by status code.
        public var otherStatus: [String: Int]
        public var connectionErrors: Int
        public var timedOut: Int
        public var skipped: Int
        public var unsent: Int

        init(_ beats: HeartbeatStatistics.Beats) {
            self.sent = beats.sent
            self.acknowledged = beats.acknowledged
            self.otherStatus = Dictionary(uniqueKeysWithValues: beats.otherStatus.map { (String($0.key), $0.value) })
            self.connectionErrors = beats.connectionErrors
            self.timedOut = beats.timedOut
            self.skipped = beats.skipped
            self.unsent = beats.unsent
        }
    }

    /// The measured phase: heartbeats scheduled in it, what became of them, and the rates.
    public struct Heartbeats: Codable, Sendable, Equatable {
        public var seconds: Double
        /// sessions / interval.
        public var targetPerSecond: Double
        /// The beats that came due in the phase: the schedule's, less any a loop took before it
        /// heard the phase had started (those count as warm-up).
        public var scheduled: Int
        public var sentPerSecond: Double
        public var beats: Beats
        /// The first answer other than 204: status and the start of its body.
        public var firstUnexpectedResponse: String?
    }

    public struct Connections: Codable, Sendable, Equatable {
        public var requested: Int
        /// TCP connects that succeeded (reconnects included).
        public var connects: Int
        public var errors: Int
        public var firstError: String?
    }

    /// The server over the measured phase.
    public struct Server: Codable, Sendable, Equatable {
        public var pid: Int32
        /// Percent of one core: CPU seconds / wall seconds * 100.
        public var cpuPercent: Double?
        public var cpuSeconds: Double?
        public var rssStartKiB: Int?
        public var rssEndKiB: Int?
        public var rssPeakKiB: Int?
    }

    public var agents: Setup
    public var sessions: Setup
    public var setupRetries: Int
    /// What the server's `POST /v1/sessions` answered for `heartbeat_interval` and `heartbeat_timeout`.
    public var serverHeartbeatInterval: Double?
    public var serverHeartbeatTimeout: Double?
    /// Heartbeats sent while sessions were still being created (not measured).
    public var warmup: Beats
    public var heartbeats: Heartbeats
    /// Scheduled send time to the end of the 204, measured heartbeats only.
    public var latencyMs: LatencySummary
    /// Scheduled send time to the write of the request, every measured heartbeat sent: the part of
    /// ``latencyMs`` the generator itself adds by sending late.
    public var sendDelayMs: LatencySummary
    /// Seconds of the measured phase in which the VM host took less than
    /// ``CalmSeconds/stealLimitPercent`` of every CPU, and the latency of the beats answered in
    /// them; `nil` where the kernel does not report steal. Beside ``latencyMs``, not instead of it.
    public var calmSeconds: Int?
    public var calmLatencyMs: LatencySummary?
    public var connections: Connections
    public var server: Server?
    /// The generator's own CPU over the measured phase, percent of one core: on a machine where it
    /// shares a core with Redis, whether that core had time to spare.
    public var generatorCPUPercent: Double?
    public var durationSeconds: Double
    public var configuration: HeartbeatConfiguration

    /// - Parameters:
    ///   - agentSeconds, sessionSeconds: how long each creation step took.
    ///   - measuredSeconds: the length of the measured phase.
    public init(
        statistics: HeartbeatStatistics,
        configuration: HeartbeatConfiguration,
        agentSeconds: Double,
        sessionSeconds: Double,
        measuredSeconds: Double,
        durationSeconds: Double,
        server: Server? = nil,
        generatorCPUPercent: Double? = nil,
        calm: CalmSeconds? = nil
    ) {
        self.agents = Setup(
            requested: configuration.agents, created: statistics.agentsCreated, seconds: Self.rounded(agentSeconds),
            perSecond: Self.rate(statistics.agentsCreated, agentSeconds))
        self.sessions = Setup(
            requested: configuration.sessions, created: statistics.sessionsCreated,
            seconds: Self.rounded(sessionSeconds), perSecond: Self.rate(statistics.sessionsCreated, sessionSeconds))
        self.setupRetries = statistics.setupRetries
        self.serverHeartbeatInterval = statistics.serverHeartbeatInterval
        self.serverHeartbeatTimeout = statistics.serverHeartbeatTimeout
        self.warmup = Beats(statistics.warmup)
        self.heartbeats = Heartbeats(
            seconds: Self.rounded(measuredSeconds),
            targetPerSecond: Self.rounded(configuration.heartbeatsPerSecond),
            scheduled: statistics.measured.due,
            sentPerSecond: Self.rate(statistics.measured.sent, measuredSeconds),
            beats: Beats(statistics.measured),
            firstUnexpectedResponse: statistics.firstUnexpectedResponse
        )
        self.latencyMs = LatencySummary(statistics.latency)
        self.sendDelayMs = LatencySummary(statistics.sendDelay)
        self.calmSeconds = calm?.seconds
        self.calmLatencyMs = calm.map { LatencySummary($0.latency) }
        self.connections = Connections(
            requested: configuration.connections, connects: statistics.connects, errors: statistics.connectionErrors,
            firstError: statistics.firstConnectionError)
        self.server = server.map { server in
            var server = server
            server.cpuPercent = server.cpuPercent.map(Self.toATenth)
            server.cpuSeconds = server.cpuSeconds.map(Self.rounded)
            return server
        }
        self.generatorCPUPercent = generatorCPUPercent.map(Self.toATenth)
        self.durationSeconds = Self.rounded(durationSeconds)
        self.configuration = configuration
    }

    /// The report as pretty-printed JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain number, string, dictionary of numbers or nested struct: encoding cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// To the millisecond.
    private static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }

    private static func toATenth(_ value: Double) -> Double {
        (value * 10).rounded() / 10
    }

    /// Per second, to a tenth.
    private static func rate(_ count: Int, _ seconds: Double) -> Double {
        seconds > 0 ? (Double(count) / seconds * 10).rounded() / 10 : 0
    }
}
