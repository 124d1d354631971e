/// One second of a heartbeat run, for the progress line on stderr.
public struct HeartbeatProgress: Sendable, Equatable {
    public var elapsedSeconds: Int
    public var phase: HeartbeatStatistics.Phase
    public var agentsCreated: Int
    public var agentsRequested: Int
    public var sessionsCreated: Int
    public var sessionsRequested: Int
    /// Sessions created in this second.
    public var sessionsPerSecond: Int
    /// Heartbeats (warm-up and measured) sent and answered 204 in this second.
    public var sentPerSecond: Int
    public var acknowledgedPerSecond: Int
    /// Since the start: answers other than 204, heartbeats that failed or timed out, skipped ones.
    public var otherStatus: Int
    public var errors: Int
    public var skipped: Int
    public var inFlight: Int
    public var queued: Int
    /// p99 of the measured heartbeats answered in this second, in milliseconds.
    public var p99Milliseconds: Double?
    /// The server's CPU over this second, in percent of one core.
    public var serverCPUPercent: Double?
    public var serverRSSKiB: Int?
    /// Percent of each CPU's time the VM host took over this second (`/proc/stat` steal), in CPU
    /// order; `nil` where the kernel does not say.
    public var stealPercents: [Double]?

    public init(
        elapsedSeconds: Int, phase: HeartbeatStatistics.Phase, agentsCreated: Int, agentsRequested: Int,
        sessionsCreated: Int, sessionsRequested: Int, sessionsPerSecond: Int, sentPerSecond: Int,
        acknowledgedPerSecond: Int, otherStatus: Int, errors: Int, skipped: Int, inFlight: Int, queued: Int,
        p99Milliseconds: Double?, serverCPUPercent: Double?, serverRSSKiB: Int?, stealPercents: [Double]? = nil
    ) {
        self.elapsedSeconds = elapsedSeconds
        self.phase = phase
        self.agentsCreated = agentsCreated
        self.agentsRequested = agentsRequested
        self.sessionsCreated = sessionsCreated
        self.sessionsRequested = sessionsRequested
        self.sessionsPerSecond = sessionsPerSecond
        self.sentPerSecond = sentPerSecond
        self.acknowledgedPerSecond = acknowledgedPerSecond
        self.otherStatus = otherStatus
        self.errors = errors
        self.skipped = skipped
        self.inFlight = inFlight
        self.queued = queued
        self.p99Milliseconds = p99Milliseconds
        self.serverCPUPercent = serverCPUPercent
        self.serverRSSKiB = serverRSSKiB
        self.stealPercents = stealPercents
    }

    /// `t=3s sessions agents=100/100 sessions=23000/100000 created/s=7650 beats/s=3800 ok/s=3800 ...`
    /// `t=40s heartbeats sessions=100000/100000 beats/s=20000 ok/s=20000 non204=0 errors=0 skipped=0
    /// inflight=2 queued=0 p99=1.234ms cpu=41% rss=210.5MiB steal=12/0%` (steal: CPU 0, then CPU 1)
    public var line: String {
        var line = "t=\(self.elapsedSeconds)s \(self.phase)"
        if self.phase <= .sessions {
            line += " agents=\(self.agentsCreated)/\(self.agentsRequested)"
        }
        line += " sessions=\(self.sessionsCreated)/\(self.sessionsRequested)"
        if self.phase == .sessions { line += " created/s=\(self.sessionsPerSecond)" }
        line += " beats/s=\(self.sentPerSecond) ok/s=\(self.acknowledgedPerSecond)"
        line += " non204=\(self.otherStatus) errors=\(self.errors) skipped=\(self.skipped)"
        line += " inflight=\(self.inFlight) queued=\(self.queued)"
        line += " p99=" + (self.p99Milliseconds.map { LoadProgress.fixed($0, digits: 3) + "ms" } ?? "-")
        if let cpu = self.serverCPUPercent { line += " cpu=" + LoadProgress.fixed(cpu, digits: 0) + "%" }
        if let rss = self.serverRSSKiB { line += " rss=" + LoadProgress.fixed(Double(rss) / 1024, digits: 1) + "MiB" }
        if let steal = self.stealPercents, !steal.isEmpty {
            line += " steal=" + steal.map { LoadProgress.fixed($0, digits: 0) }.joined(separator: "/") + "%"
        }
        return line
    }
}
