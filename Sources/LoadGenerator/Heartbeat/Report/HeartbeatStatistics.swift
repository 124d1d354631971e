public import Histogram

/// What one event loop's connections did so far. Counted on the loop without locks; the run merges
/// one copy per loop for the progress lines and the report.
public struct HeartbeatStatistics: LatencyRecording, Sendable {
    /// The fate of the heartbeats of one part of the run (the warm-up during set-up, or the
    /// measured phase).
    public struct Beats: Sendable, Equatable {
        /// Came due in this part of the run, whatever became of them.
        public var due = 0
        public var sent = 0
        /// `204 No Content`.
        public var acknowledged = 0
        /// Any other status, by status code.
        public var otherStatus: [Int: Int] = [:]
        /// Sent, and the connection failed before the response (dropped, or unreadable).
        public var connectionErrors = 0
        /// Sent, and no response within the request timeout.
        public var timedOut = 0
        /// Due while the session's previous heartbeat was still queued or in flight: not sent.
        public var skipped = 0
        /// Queued and never sent: the run ended first.
        public var unsent = 0

        public init() {}

        public var otherStatusTotal: Int { self.otherStatus.values.reduce(0, +) }

        public mutating func add(_ other: Self) {
            self.due += other.due
            self.sent += other.sent
            self.acknowledged += other.acknowledged
            self.otherStatus.merge(other.otherStatus, uniquingKeysWith: +)
            self.connectionErrors += other.connectionErrors
            self.timedOut += other.timedOut
            self.skipped += other.skipped
            self.unsent += other.unsent
        }
    }

    /// Where a loop is in the run.
    public enum Phase: Int, Sendable, Comparable {
        case agents, sessions, heartbeats, draining, stopping, done

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var phase = Phase.agents
    public var agentsCreated = 0
    public var sessionsCreated = 0
    /// Creation requests sent again after their connection failed.
    public var setupRetries = 0
    /// Why the set-up stopped, when it did.
    public var setupError: String?
    /// What the first created session said.
    public var serverHeartbeatInterval: Double?
    public var serverHeartbeatTimeout: Double?

    /// Heartbeats of sessions that exist while others are still being created: they keep the
    /// early sessions alive and are not measured.
    public var warmup = Beats()
    /// Heartbeats scheduled in the measured phase.
    public var measured = Beats()
    /// The first heartbeat answered with anything but 204: status and the start of the body.
    public var firstUnexpectedResponse: String?

    public var connects = 0
    public var connectionErrors = 0
    public var firstConnectionError: String?

    /// Requests written and not answered yet, and heartbeats waiting for a connection, now.
    public var inFlight = 0
    public var queued = 0

    /// Measured heartbeats answered 204: scheduled time to the end of the response, microseconds.
    public var latency = LoopStatistics.makeHistogram()
    /// The same since the last progress line.
    public var intervalLatency = LoopStatistics.makeHistogram()
    /// Measured heartbeats: scheduled time to the write of the request, microseconds. The part of
    /// ``latency`` the generator adds itself (a busy or descheduled generator sends late), so a
    /// tail can be told apart from the server's.
    public var sendDelay = LoopStatistics.makeHistogram()

    public init() {}

    mutating func recordSendDelay(nanoseconds: UInt64) {
        self.sendDelay.record(Self.histogramMicroseconds(nanoseconds))
    }

    mutating func connectionFailed(_ reason: String) {
        self.connectionErrors += 1
        if self.firstConnectionError == nil { self.firstConnectionError = reason }
    }

    /// The figures of every loop together; the phase is the earliest loop's.
    public init(merging loops: [Self]) {
        self = loops.first ?? Self()
        for other in loops.dropFirst() { self.add(other) }
    }

    /// Adds another loop's figures to these; the phase is the earliest of the two.
    public mutating func add(_ other: Self) {
        self.phase = min(self.phase, other.phase)
        self.agentsCreated += other.agentsCreated
        self.sessionsCreated += other.sessionsCreated
        self.setupRetries += other.setupRetries
        self.setupError = self.setupError ?? other.setupError
        self.serverHeartbeatInterval = self.serverHeartbeatInterval ?? other.serverHeartbeatInterval
        self.serverHeartbeatTimeout = self.serverHeartbeatTimeout ?? other.serverHeartbeatTimeout
        self.warmup.add(other.warmup)
        self.measured.add(other.measured)
        self.firstUnexpectedResponse = self.firstUnexpectedResponse ?? other.firstUnexpectedResponse
        self.connects += other.connects
        self.connectionErrors += other.connectionErrors
        self.firstConnectionError = self.firstConnectionError ?? other.firstConnectionError
        self.inFlight += other.inFlight
        self.queued += other.queued
        self.latency.add(other.latency)
        self.intervalLatency.add(other.intervalLatency)
        self.sendDelay.add(other.sendDelay)
    }
}
